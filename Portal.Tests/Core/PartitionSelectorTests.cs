using Portal.Core.Partitions;

namespace Portal.Tests.Core;

public sealed class PartitionSelectorTests
{
    private static readonly PartitionSlot A = new(Guid.Parse("00000000-0000-0000-0000-00000000000a"), 3);
    private static readonly PartitionSlot B = new(Guid.Parse("00000000-0000-0000-0000-00000000000b"), 3);
    private static readonly PartitionSlot Burst = new(Guid.Parse("00000000-0000-0000-0000-0000000000bb"), 2, Burst: true);

    /// <summary>Places <paramref name="count"/> members one by one and returns where each went.</summary>
    private static List<Guid?> Place(int count, PartitionAlgorithm algorithm, params PartitionSlot[] slots)
    {
        var members = slots.ToDictionary(s => s.PartitionId, _ => 0);
        var placed = new List<Guid?>();
        for (var i = 0; i < count; i++)
        {
            var target = PartitionSelector.ForNewMember([.. slots.Select(s => new PartitionLoad(s, members[s.PartitionId]))], algorithm);
            placed.Add(target);
            if (target is { } id)
            {
                members[id]++;
            }
        }

        return placed;
    }

    [Fact]
    public void Round_robin_alternates_then_bursts_only_when_both_are_full_then_refuses()
    {
        var placed = Place(9, PartitionAlgorithm.RoundRobin, A, B, Burst);

        Guid? a = A.PartitionId, b = B.PartitionId, burst = Burst.PartitionId;
        Assert.Equal([a, b, a, b, a, b, burst, burst, null], placed);
    }

    [Fact]
    public void One_after_another_fills_the_first_partition_before_the_next()
    {
        var placed = Place(7, PartitionAlgorithm.OneAfterAnother, A, B);

        Guid? a = A.PartitionId, b = B.PartitionId;
        Assert.Equal([a, a, a, b, b, b, null], placed);
    }

    [Fact]
    public void Scaling_down_empties_burst_partitions_first()
    {
        PartitionLoad[] loads = [new(A, 3), new(B, 3), new(Burst, 1)];

        Assert.Equal(Burst.PartitionId, PartitionSelector.ForRemoval(loads, PartitionAlgorithm.RoundRobin));
        Assert.Equal(Burst.PartitionId, PartitionSelector.ForRemoval(loads, PartitionAlgorithm.OneAfterAnother));
    }

    [Fact]
    public void Round_robin_scales_down_the_fuller_partition_and_one_after_another_the_last()
    {
        PartitionLoad[] loads = [new(A, 3), new(B, 2), new(Burst, 0)];

        Assert.Equal(A.PartitionId, PartitionSelector.ForRemoval(loads, PartitionAlgorithm.RoundRobin));
        Assert.Equal(B.PartitionId, PartitionSelector.ForRemoval(loads, PartitionAlgorithm.OneAfterAnother));
        Assert.Null(PartitionSelector.ForRemoval([new(A, 0), new(B, 0)], PartitionAlgorithm.RoundRobin));
    }
}
