using Portal.Core.Applications;
using Portal.Core.Partitions;

namespace Portal.Tests.Core;

public sealed class ReconciliationPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly PartitionSlot P1 = new(Guid.Parse("00000000-0000-0000-0000-0000000000a1"), 2);
    private static readonly PartitionSlot P2 = new(Guid.Parse("00000000-0000-0000-0000-0000000000a2"), 2);
    private static readonly PartitionSlot Burst = new(Guid.Parse("00000000-0000-0000-0000-0000000000b1"), 2, Burst: true);
    private static readonly Guid Cluster = Guid.NewGuid();

    private static KnownMember Member(PartitionSlot partition, MemberState state = MemberState.Active, int age = 0) =>
        new(Guid.NewGuid(), state, partition.PartitionId, T0.AddMinutes(-age));

    private static (Guid, ObservedContainer) Container(KnownMember member, bool running = true) =>
        (member.PartitionId, new ObservedContainer($"c-{member.MemberId:N}", Guid.Empty, Guid.Empty, Cluster, member.MemberId, running, 40000));

    private static ClusterSnapshot Snapshot(int desired, KnownMember[] members, (Guid, ObservedContainer)[] containers, params PartitionSlot[] partitions) => new()
    {
        DesiredMembers = desired,
        Members = members,
        Containers = containers,
        ReachablePartitions = partitions.Length > 0 ? partitions : [P1, P2, Burst],
    };

    [Fact]
    public void A_healthy_cluster_of_the_desired_size_needs_nothing()
    {
        KnownMember a = Member(P1), b = Member(P2);

        Assert.Empty(ReconciliationPlanner.Plan(Snapshot(2, [a, b], [Container(a), Container(b)])));
    }

    [Fact]
    public void A_new_cluster_gets_its_members_spread_round_robin()
    {
        var plan = ReconciliationPlanner.Plan(Snapshot(3, [], []));

        Assert.Equal([new StartMember(P1.PartitionId), new StartMember(P2.PartitionId), new StartMember(P1.PartitionId)], plan);
    }

    [Fact]
    public void A_killed_container_faults_its_member_is_removed_and_replaced()
    {
        KnownMember a = Member(P1), b = Member(P2);
        var killed = Container(b, running: false);

        var plan = ReconciliationPlanner.Plan(Snapshot(2, [a, b], [Container(a), killed]));

        Assert.Equal(
            [new FaultMember(b.MemberId, "Its container stopped."), new RemoveContainer(P2.PartitionId, killed.Item2.ContainerId), new StartMember(P2.PartitionId)],
            plan);
    }

    [Fact]
    public void A_vanished_container_faults_its_member_and_a_new_one_starts()
    {
        KnownMember a = Member(P1), b = Member(P2);

        var plan = ReconciliationPlanner.Plan(Snapshot(2, [a, b], [Container(a)]));

        Assert.Equal([new FaultMember(b.MemberId, "Its container is gone."), new StartMember(P2.PartitionId)], plan);
    }

    [Fact]
    public void Containers_no_member_owns_are_removed()
    {
        KnownMember a = Member(P1);
        var terminated = Member(P2, MemberState.Terminated);
        var stranger = (P2.PartitionId, new ObservedContainer("c-stranger", Guid.Empty, Guid.Empty, Cluster, Guid.NewGuid(), true, 40001));

        var plan = ReconciliationPlanner.Plan(Snapshot(1, [a, terminated], [Container(a), Container(terminated), stranger]));

        Assert.Equal(
            [new RemoveContainer(P2.PartitionId, $"c-{terminated.MemberId:N}"), new RemoveContainer(P2.PartitionId, "c-stranger")],
            plan);
    }

    [Fact]
    public void Members_on_an_unreachable_partition_are_left_alone_and_still_count()
    {
        KnownMember a = Member(P1), b = Member(P2);

        var plan = ReconciliationPlanner.Plan(Snapshot(2, [a, b], [Container(a)], P1, Burst));

        Assert.Empty(plan);
    }

    [Fact]
    public void Scaling_down_drains_burst_members_first_and_then_the_youngest()
    {
        KnownMember old = Member(P1, age: 10), young = Member(P1, age: 1), other = Member(P2, age: 5), burst = Member(Burst, age: 20);
        KnownMember[] members = [old, young, other, burst];

        var plan = ReconciliationPlanner.Plan(Snapshot(2, members, [.. members.Select(m => Container(m))]));

        Assert.Equal([new DrainMember(burst.MemberId), new DrainMember(young.MemberId)], plan);
    }

    [Fact]
    public void When_every_partition_is_full_the_shortfall_is_reported()
    {
        var plan = ReconciliationPlanner.Plan(Snapshot(7, [], [], P1, P2, Burst));

        Assert.Equal(6, plan.OfType<StartMember>().Count());
        Assert.Equal(new CannotPlace(1), plan[^1]);
    }
}
