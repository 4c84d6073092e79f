namespace Portal.Core.Autoscaling;

/// <summary>
/// One reading of a member's container. The CPU figure is cumulative (CPU time used since the container started),
/// so load is the difference between two readings.
/// </summary>
/// <param name="ReadAt">When the engine took the reading.</param>
/// <param name="CpuNanoseconds">CPU time used since the container started, in nanoseconds.</param>
/// <param name="MemoryBytes">Memory in use, without the page cache the kernel can drop (as <c>docker stats</c> shows it).</param>
/// <param name="MemoryLimitBytes">The container's memory limit.</param>
public sealed record ContainerUsage(DateTimeOffset ReadAt, ulong CpuNanoseconds, ulong MemoryBytes, ulong MemoryLimitBytes);

/// <summary>A member's load from readings of its container, as percent of its own limits (pure).</summary>
public static class MemberLoad
{
    /// <summary>
    /// CPU used between two readings as percent of <paramref name="cpuLimit"/> (in CPUs, e.g. 0.5). Not clamped
    /// above 100 (the engine's accounting overshoots a little); null when no time passed between the readings, the
    /// limit is not positive or the counter went backwards (the container restarted).
    /// </summary>
    public static double? CpuPercent(ContainerUsage earlier, ContainerUsage later, double cpuLimit)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        var wall = (later.ReadAt - earlier.ReadAt).Ticks * 100.0; // ns
        if (wall <= 0 || !(cpuLimit > 0) || later.CpuNanoseconds < earlier.CpuNanoseconds)
        {
            return null;
        }

        return (later.CpuNanoseconds - earlier.CpuNanoseconds) / wall / cpuLimit * 100;
    }

    /// <summary>Memory in use as percent of the container's limit; null when the limit is unknown (0).</summary>
    public static double? MemoryPercent(ContainerUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.MemoryLimitBytes == 0 ? null : (double)usage.MemoryBytes / usage.MemoryLimitBytes * 100;
    }
}
