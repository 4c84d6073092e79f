using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Autoscaling;

/// <summary>The <c>Portal:Autoscaler</c> section: how often members are measured and how much of the decision log is kept.</summary>
public sealed class AutoscalerOptions
{
    public const string Section = "Portal:Autoscaler";

    /// <summary>
    /// How often every autoscaled application's Active members are measured (Docker stats, the router's requests in
    /// flight) and due evaluations run. Docker refreshes a container's stats once a second, so less gains nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Decisions kept per application (older ones are removed).</summary>
    [Range(10, 100_000)]
    public int KeepDecisions { get; set; } = 1000;
}
