using System.ComponentModel.DataAnnotations;
using Portal.Core.Monitoring;

namespace Portal.Infrastructure.Monitoring;

/// <summary>The <c>Portal:Health</c> section: how often every member is measured and how long the samples are kept.</summary>
public sealed class HealthOptions
{
    public const string Section = "Portal:Health";

    /// <summary>How often every Active member is measured (Docker stats, the router's counts) and a sample stored.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Raw samples are kept this long, then averaged into <see cref="Span"/>s.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan RawFor { get; set; } = MetricRetention.Default.RawFor;

    /// <summary>The span old samples are averaged over.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan Span { get; set; } = MetricRetention.Default.Span;

    /// <summary>Samples older than this are removed.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "366.00:00:00")]
    public TimeSpan KeepFor { get; set; } = MetricRetention.Default.KeepFor;

    /// <summary>How often the retention job runs.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    public MetricRetention Retention => new(RawFor, Span, KeepFor);
}
