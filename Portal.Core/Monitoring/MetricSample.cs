using Portal.Core.Tenancy;

namespace Portal.Core.Monitoring;

/// <summary>
/// A stored measurement of an application (<see cref="MemberId"/> null: all its members together) or of one member: CPU
/// and memory as percent of the member's limits (for an application: the members' mean), requests in flight and
/// requests per second through the router. A raw sample is one reading (<see cref="Seconds"/> 0); the retention job
/// replaces old raw samples with averages over <see cref="Seconds"/> starting at <see cref="At"/>.
/// </summary>
public sealed class MetricSample : ITenantOwned
{
    private readonly DateTimeOffset at;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid ApplicationId { get; init; }

    public Guid? MemberId { get; init; }

    /// <summary>In UTC (the databases compare and order the stored instants; SQLite stores the clock time with its offset).</summary>
    public DateTimeOffset At
    {
        get => at;
        init => at = value.ToUniversalTime();
    }

    /// <summary>0 for one reading; otherwise the length of the span this sample averages.</summary>
    public int Seconds { get; init; }

    public double? CpuPercent { get; init; }

    public double? MemoryPercent { get; init; }

    public double RequestsInFlight { get; init; }

    public double RequestsPerSecond { get; init; }
}
