namespace Portal.Core.Monitoring;

/// <summary>An application's figures from its members' (pure).</summary>
public static class HealthSampling
{
    /// <summary>
    /// The application as a whole at <paramref name="at"/>: CPU and memory the mean over the members that have the
    /// figure (each is percent of its own limit), requests in flight and per second as the router counts them for the
    /// application (requests not yet given to a member included).
    /// </summary>
    public static MetricSample Application(
        Guid tenantId, Guid applicationId, DateTimeOffset at, IReadOnlyCollection<MetricSample> members, long inFlight, double requestsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(members);
        var cpu = members.Select(m => m.CpuPercent).OfType<double>().ToList();
        var memory = members.Select(m => m.MemoryPercent).OfType<double>().ToList();
        return new MetricSample
        {
            TenantId = tenantId,
            ApplicationId = applicationId,
            At = at,
            CpuPercent = cpu.Count == 0 ? null : cpu.Average(),
            MemoryPercent = memory.Count == 0 ? null : memory.Average(),
            RequestsInFlight = inFlight,
            RequestsPerSecond = requestsPerSecond,
        };
    }

    /// <summary>Requests per second between two running totals; 0 when no time passed or the total went back (the portal restarted).</summary>
    public static double Rate(long earlier, long later, TimeSpan elapsed) =>
        elapsed > TimeSpan.Zero && later >= earlier ? (later - earlier) / elapsed.TotalSeconds : 0;
}
