using System.ComponentModel.DataAnnotations;
using Portal.Infrastructure.Partitions;

namespace Portal.Components.Pages.Admin;

/// <summary>The admin console's partition form (add or edit); the domain's rules check what it gives.</summary>
public sealed class PartitionForm
{
    [Required(ErrorMessage = "Name the partition.")] public string Name { get; set; } = "";

    [Required(ErrorMessage = "Name the network partition (region, data centre) it belongs to.")]
    public string NetworkPartition { get; set; } = "local";

    [Required(ErrorMessage = "Give the engine's endpoint.")] public string Endpoint { get; set; } = "";

    public string? TlsCertificateDirectory { get; set; }

    public static PartitionForm From(PartitionView partition) => new()
    {
        Name = partition.Name, NetworkPartition = partition.NetworkPartition, Endpoint = partition.Endpoint,
        TlsCertificateDirectory = partition.TlsCertificateDirectory,
    };

    /// <summary>A TCP engine is reached over TLS, so only then does the certificate folder count.</summary>
    public bool IsTcp => Endpoint.TrimStart().StartsWith("tcp://", StringComparison.OrdinalIgnoreCase);
}
