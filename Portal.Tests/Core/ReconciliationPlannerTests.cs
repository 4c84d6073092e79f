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

    /// <summary>A snapshot of a cluster whose policy has P1, P2 and Burst; <paramref name="answered"/> default to all of them.</summary>
    private static ClusterSnapshot Snapshot(int desired, KnownMember[] members, (Guid, ObservedContainer)[] containers, params PartitionSlot[] answered) => new()
    {
        ClusterId = Cluster,
        DesiredMembers = desired,
        Members = members,
        Containers = containers,
        Partitions = [P1, P2, Burst],
        Answered = (answered.Length > 0 ? answered : [P1, P2, Burst]).Select(p => p.PartitionId).ToHashSet(),
    };

    [Fact]
    public void A_healthy_cluster_of_the_desired_size_needs_nothing()
    {
        KnownMember a = Member(P1), b = Member(P2);

        Assert.Empty(ReconciliationPlanner.Plan(Snapshot(2, [a, b], [Container(a), Container(b)])));
    }

    [Fact]
    public void After_a_link_changed_the_members_of_the_older_revision_serve_until_as_many_new_ones_are_active()
    {
        KnownMember a = Member(P1), b = Member(P2);
        var relinked = Snapshot(2, [a, b], [Container(a), Container(b)]) with { Revision = 1 };

        // The new revision's members start beside the old ones, which keep serving.
        var plan = ReconciliationPlanner.Plan(relinked);
        Assert.Equal(2, plan.OfType<StartMember>().Count());
        Assert.DoesNotContain(plan, action => action is DrainMember or TerminateMember);

        // One new member Active, one starting: still not.
        KnownMember c = Member(P1) with { Revision = 1 }, d = Member(P2, MemberState.Starting) with { Revision = 1 };
        plan = ReconciliationPlanner.Plan(relinked with { Members = [a, b, c, d], Containers = [Container(a), Container(b), Container(c), Container(d)] });
        Assert.Empty(plan);

        // Both Active: the old ones are drained, nothing more starts.
        d = d with { State = MemberState.Active };
        plan = ReconciliationPlanner.Plan(relinked with { Members = [a, b, c, d], Containers = [Container(a), Container(b), Container(c), Container(d)] });
        Assert.Equal([new DrainMember(a.MemberId), new DrainMember(b.MemberId)], plan);
    }

    [Fact]
    public void Members_on_a_partition_the_policy_dropped_are_replaced_in_the_policy_and_then_go()
    {
        var dropped = new PartitionSlot(Guid.Parse("00000000-0000-0000-0000-0000000000d1"), 2);
        KnownMember kept = Member(P1), active = Member(dropped), starting = Member(dropped, MemberState.Starting);

        var plan = ReconciliationPlanner.Plan(Snapshot(3, [kept, active, starting],
            [Container(kept), Container(active), Container(starting)], P1, P2, Burst, dropped));

        Assert.Equal(2, plan.OfType<StartMember>().Count());
        Assert.All(plan.OfType<StartMember>(), s => Assert.NotEqual(dropped.PartitionId, s.PartitionId));
        Assert.Contains(new DrainMember(active.MemberId), plan);
        Assert.Contains(new TerminateMember(starting.MemberId), plan);
        Assert.DoesNotContain(plan, a => a is DrainMember d && d.MemberId == kept.MemberId);
    }

    [Fact]
    public void Members_on_a_dropped_partition_that_does_not_answer_are_left_alone()
    {
        var dropped = new PartitionSlot(Guid.Parse("00000000-0000-0000-0000-0000000000d1"), 2);
        KnownMember kept = Member(P1), away = Member(dropped);

        Assert.Empty(ReconciliationPlanner.Plan(Snapshot(2, [kept, away], [Container(kept)], P1, P2, Burst)));
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
    public void Members_that_are_not_active_yet_are_terminated_not_drained_when_scaling_down()
    {
        KnownMember active = Member(P1, age: 10), starting = Member(P2, MemberState.Starting, age: 1), created = Member(P1, MemberState.Created, age: 0);

        var plan = ReconciliationPlanner.Plan(Snapshot(1, [active, starting, created], [Container(active), Container(starting)]));

        Assert.Equal(2, plan.Count);
        Assert.All(plan, a => Assert.IsType<TerminateMember>(a));
        Assert.Equal(new[] { starting.MemberId, created.MemberId }.Order(), plan.Cast<TerminateMember>().Select(t => t.MemberId).Order());
        // Which the lifecycle allows, where Starting or Created to Draining it does not.
        Assert.True(MemberLifecycle.CanMove(MemberState.Starting, MemberState.Terminated) && MemberLifecycle.CanMove(MemberState.Created, MemberState.Terminated));
    }

    [Fact]
    public void Scaling_down_never_removes_the_last_member_anyone_can_see()
    {
        KnownMember seen = Member(P1), unseen = Member(P2);

        var plan = ReconciliationPlanner.Plan(Snapshot(1, [seen, unseen], [Container(seen)], P1, Burst));

        Assert.Empty(plan);
    }

    [Fact]
    public void One_after_another_scales_down_the_last_partition_and_picks_the_youngest_there()
    {
        KnownMember a1 = Member(P1, age: 1), b1 = Member(P2, age: 30), b2 = Member(P2, age: 20);
        KnownMember[] members = [a1, b1, b2];

        var plan = ReconciliationPlanner.Plan(Snapshot(2, members, [.. members.Select(m => Container(m))]) with { Algorithm = PartitionAlgorithm.OneAfterAnother });

        // a1 is the youngest overall, but P2 is the partition to shrink: its youngest goes.
        Assert.Equal([new DrainMember(b2.MemberId)], plan);
    }

    [Fact]
    public void A_draining_member_whose_container_stopped_is_terminated_not_faulted()
    {
        KnownMember a = Member(P1), draining = Member(P2, MemberState.Draining);

        var plan = ReconciliationPlanner.Plan(Snapshot(1, [a, draining], [Container(a), Container(draining, running: false)]));

        Assert.Equal(new TerminateMember(draining.MemberId), plan[0]);
        Assert.Equal(new RemoveContainer(P2.PartitionId, $"c-{draining.MemberId:N}"), plan[1]);
        Assert.Equal(2, plan.Count);
    }

    [Fact]
    public void Other_clusters_containers_are_none_of_its_business()
    {
        KnownMember a = Member(P1);
        var foreign = (P1.PartitionId, new ObservedContainer("c-foreign", Guid.Empty, Guid.Empty, Guid.NewGuid(), Guid.NewGuid(), true, 40002));

        Assert.Empty(ReconciliationPlanner.Plan(Snapshot(1, [a], [Container(a), foreign])));
    }

    [Fact]
    public void A_member_on_a_partition_dropped_from_the_policy_is_still_watched()
    {
        var dropped = new PartitionSlot(Guid.NewGuid(), 5);
        var orphaned = Member(dropped);

        var plan = ReconciliationPlanner.Plan(Snapshot(1, [orphaned], [Container(orphaned, running: false)], P1, P2, Burst, dropped));

        Assert.Equal(new FaultMember(orphaned.MemberId, "Its container stopped."), plan[0]);
        Assert.Contains(new StartMember(P1.PartitionId), plan);
    }

    [Fact]
    public void When_every_partition_is_full_the_shortfall_is_reported()
    {
        var plan = ReconciliationPlanner.Plan(Snapshot(7, [], [], P1, P2, Burst));

        Assert.Equal(6, plan.OfType<StartMember>().Count());
        Assert.Equal(new CannotPlace(1), plan[^1]);
    }
}
