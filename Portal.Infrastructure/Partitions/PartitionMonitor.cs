using System.Collections.Concurrent;

namespace Portal.Infrastructure.Partitions;

/// <summary>Whether a partition's engine answered the last time the reconciler asked, and if not, why.</summary>
public sealed record PartitionStatus(bool Reachable, string? Reason, DateTimeOffset CheckedAt);

/// <summary>The last known status of every partition (kept in memory: it is re-learned within seconds of a start).</summary>
public sealed class PartitionMonitor
{
    private readonly ConcurrentDictionary<Guid, PartitionStatus> statuses = new();

    public void Report(Guid partitionId, PartitionStatus status) => statuses[partitionId] = status;

    public void Forget(Guid partitionId) => statuses.TryRemove(partitionId, out _);

    public PartitionStatus? StatusOf(Guid partitionId) => statuses.GetValueOrDefault(partitionId);
}
