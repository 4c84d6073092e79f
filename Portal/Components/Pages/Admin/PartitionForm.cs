using System.ComponentModel.DataAnnotations;

namespace Portal.Components.Pages.Admin;

/// <summary>The admin console's "add a partition" form; the domain's rules check what it gives.</summary>
public sealed class PartitionForm
{
    [Required(ErrorMessage = "Name the partition.")] public string Name { get; set; } = "";

    [Required(ErrorMessage = "Name the network partition (region, data centre) it belongs to.")]
    public string NetworkPartition { get; set; } = "local";

    [Required(ErrorMessage = "Give the engine's endpoint.")] public string Endpoint { get; set; } = "";

    public string? TlsCertificateDirectory { get; set; }

    /// <summary>A TCP engine is reached over TLS, so only then does the certificate folder count.</summary>
    public bool IsTcp => Endpoint.TrimStart().StartsWith("tcp://", StringComparison.OrdinalIgnoreCase);
}
