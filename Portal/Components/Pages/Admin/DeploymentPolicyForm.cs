using System.ComponentModel.DataAnnotations;
using Portal.Core.Partitions;
using Portal.Infrastructure.Partitions;

namespace Portal.Components.Pages.Admin;

/// <summary>The admin console's deployment policy editor: an algorithm and partitions in order; the service checks the rows.</summary>
public sealed class DeploymentPolicyForm
{
    [Required(ErrorMessage = "Name the policy.")] public string Name { get; set; } = "";

    public PartitionAlgorithm Algorithm { get; set; } = PartitionAlgorithm.RoundRobin;

    public List<PolicyRow> Partitions { get; set; } = [new()];

    public static DeploymentPolicyForm From(DeploymentPolicyView policy) => new()
    {
        Name = policy.Name,
        Algorithm = policy.Algorithm,
        Partitions = [.. policy.Partitions.Select(p => new PolicyRow { Partition = p.Partition, MaxMembers = p.MaxMembers, Burst = p.Burst })],
    };

    public IReadOnlyList<(string Partition, int MaxMembers, bool Burst)> Slots() =>
        [.. Partitions.Select(p => (p.Partition ?? "", p.MaxMembers, p.Burst))];
}

/// <summary>One partition of the policy being edited.</summary>
public sealed class PolicyRow
{
    public string? Partition { get; set; }

    public int MaxMembers { get; set; } = 5;

    public bool Burst { get; set; }
}
