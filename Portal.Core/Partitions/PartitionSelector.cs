namespace Portal.Core.Partitions;

/// <summary>
/// Where the next member goes and which partition gives one up when scaling down (Stratos's partition
/// algorithms). Burst partitions are used only while every other partition is full, and are emptied first.
/// Unavailable partitions (engine unreachable) are left out by the caller.
/// </summary>
public static class PartitionSelector
{
    /// <summary>The partition for one more member, or null when every partition is full.</summary>
    public static Guid? ForNewMember(IReadOnlyList<PartitionLoad> loads, PartitionAlgorithm algorithm)
    {
        var regular = loads.Where(l => !l.Slot.Burst).ToList();
        return Pick(regular, algorithm) ?? Pick([.. loads.Where(l => l.Slot.Burst)], algorithm);
    }

    /// <summary>The partition that gives up a member when the cluster shrinks, or null when it has none.</summary>
    public static Guid? ForRemoval(IReadOnlyList<PartitionLoad> loads, PartitionAlgorithm algorithm)
    {
        var burst = loads.Where(l => l.Slot.Burst && l.Members > 0).ToList();
        var candidates = burst.Count > 0 ? burst : [.. loads.Where(l => !l.Slot.Burst && l.Members > 0)];
        if (candidates.Count == 0)
        {
            return null;
        }

        return algorithm switch
        {
            // The most loaded, the later one on a tie: the reverse of where round-robin would add.
            PartitionAlgorithm.RoundRobin => candidates.Select((l, i) => (l, i))
                .OrderByDescending(x => x.l.Members).ThenByDescending(x => x.i).First().l.Slot.PartitionId,
            // The last partition that has members: the reverse of filling one after another.
            _ => candidates[^1].Slot.PartitionId,
        };
    }

    private static Guid? Pick(List<PartitionLoad> loads, PartitionAlgorithm algorithm)
    {
        var open = loads.Where(l => !l.IsFull).ToList();
        if (open.Count == 0)
        {
            return null;
        }

        return algorithm switch
        {
            // Fewest members first; on a tie, the earlier partition.
            PartitionAlgorithm.RoundRobin => open.Select((l, i) => (l, i))
                .OrderBy(x => x.l.Members).ThenBy(x => x.i).First().l.Slot.PartitionId,
            _ => open[0].Slot.PartitionId,
        };
    }
}
