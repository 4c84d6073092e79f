using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Forms;
using Portal.Core.Partitions;
using Portal.Infrastructure.Partitions;

namespace Portal.Components.Pages.Admin;

/// <summary>The admin console's deployment policy editor: an algorithm and partitions in order; <see cref="DeploymentPolicyRules"/> check them.</summary>
public sealed partial class DeploymentPolicyForm
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

    public IReadOnlyList<PolicySlot> Slots() => [.. Partitions.Select(p => new PolicySlot(p.Partition, p.MaxMembers, p.Burst))];

    /// <summary>The field an error key names: <c>partitions[i].maxMembers</c> is row i's, <c>name</c> the form's.</summary>
    public FieldIdentifier FieldOf(string key, EditContext context)
    {
        if (RowField().Match(key) is { Success: true } row && int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var index
            && index < Partitions.Count)
        {
            return new FieldIdentifier(Partitions[index], row.Groups[2].Value == "partition" ? nameof(PolicyRow.Partition) : nameof(PolicyRow.MaxMembers));
        }

        return context.Field(key.Length == 0 ? "" : char.ToUpperInvariant(key[0]) + key[1..]);
    }

    [GeneratedRegex(@"^partitions\[(\d+)\]\.(partition|maxMembers)$")]
    private static partial Regex RowField();
}

/// <summary>One partition of the policy being edited.</summary>
public sealed class PolicyRow
{
    public string? Partition { get; set; }

    public int MaxMembers { get; set; } = 5;

    public bool Burst { get; set; }
}
