using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Metering;

/// <summary>The <c>Portal:Metering</c> section.</summary>
public sealed class MeteringOptions
{
    public const string Section = "Portal:Metering";

    /// <summary>How often members' running time is added to the usage records (usage shown is at most this much behind).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);
}
