namespace Portal.Core.Partitions;

/// <summary>How a deployment policy spreads members over its partitions.</summary>
public enum PartitionAlgorithm
{
    /// <summary>Each new member goes to the partition with the fewest members, in turn.</summary>
    RoundRobin,

    /// <summary>Fill the first partition up to its maximum, then the next.</summary>
    OneAfterAnother,
}

/// <summary>One partition as a deployment policy uses it: its place in the order, its cap, whether it is for bursting.</summary>
public sealed record PartitionSlot(Guid PartitionId, int MaxMembers, bool Burst = false);

/// <summary>Members a cluster has on a partition now.</summary>
public sealed record PartitionLoad(PartitionSlot Slot, int Members)
{
    public bool IsFull => Members >= Slot.MaxMembers;
}
