using Portal.Core.Applications;
using Portal.Core.Partitions;
using Portal.Core.Releases;

namespace Portal.Tests.Core;

/// <summary>A rollout as the reconciliation plan sees it: new members next to the serving ones, the old ones go only when replaced.</summary>
public sealed class RolloutPlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly PartitionSlot P1 = new(Guid.Parse("00000000-0000-0000-0000-0000000000a1"), 2);
    private static readonly PartitionSlot P2 = new(Guid.Parse("00000000-0000-0000-0000-0000000000a2"), 2);
    private static readonly Guid Cluster = Guid.NewGuid();
    private static readonly Guid Old = Guid.NewGuid();
    private static readonly Guid New = Guid.NewGuid();

    private static KnownMember Member(PartitionSlot partition, Guid? release, MemberState state = MemberState.Active) =>
        new(Guid.NewGuid(), state, partition.PartitionId, T0, release);

    private static (Guid, ObservedContainer) Container(KnownMember member) =>
        (member.PartitionId, new ObservedContainer($"c-{member.MemberId:N}", Guid.Empty, Guid.Empty, Cluster, member.MemberId, true, 40000));

    private static IReadOnlyList<ReconcileAction> Plan(Guid? release, int desired, params KnownMember[] members) =>
        ReconciliationPlanner.Plan(new ClusterSnapshot
        {
            ClusterId = Cluster,
            DesiredMembers = desired,
            Members = members,
            Containers = [.. members.Where(m => m.State != MemberState.Created).Select(Container)],
            Partitions = [P1, P2],
            Answered = new HashSet<Guid> { P1.PartitionId, P2.PartitionId },
            Release = release,
        });

    [Fact]
    public void A_new_release_starts_the_desired_number_of_members_next_to_the_serving_ones_even_on_full_partitions()
    {
        KnownMember a = Member(P1, Old), b = Member(P2, Old), c = Member(P1, Old), d = Member(P2, Old);

        var plan = Plan(New, 4, a, b, c, d);

        Assert.Equal(4, plan.OfType<StartMember>().Count());
        Assert.Equal(2, plan.OfType<StartMember>().Count(s => s.PartitionId == P1.PartitionId));
        Assert.DoesNotContain(plan, action => action is DrainMember or TerminateMember);
    }

    [Fact]
    public void The_serving_members_stay_until_as_many_new_ones_are_active_as_desired()
    {
        KnownMember a = Member(P1, Old), b = Member(P2, Old);
        KnownMember ready = Member(P1, New), starting = Member(P2, New, MemberState.Starting);

        Assert.Empty(Plan(New, 2, a, b, ready, starting));

        var active = starting with { State = MemberState.Active };
        var plan = Plan(New, 2, a, b, ready, active);
        Assert.Equal([new DrainMember(a.MemberId), new DrainMember(b.MemberId)], plan.OfType<DrainMember>().OrderBy(d => d.MemberId == b.MemberId));
        Assert.DoesNotContain(plan, action => action is StartMember);
    }

    [Fact]
    public void A_failed_release_s_members_are_outdated_and_go_at_once_while_the_serving_ones_stay()
    {
        KnownMember a = Member(P1, Old), starting = Member(P2, New, MemberState.Starting), created = Member(P1, New, MemberState.Created);

        var plan = Plan(Old, 1, a, starting, created);

        Assert.Equal([new TerminateMember(starting.MemberId), new TerminateMember(created.MemberId)], plan.OfType<TerminateMember>());
        Assert.DoesNotContain(plan, action => action is StartMember or DrainMember);
    }

    [Fact]
    public void Without_releases_nothing_is_outdated()
    {
        KnownMember a = Member(P1, null), b = Member(P2, null);

        Assert.Empty(Plan(null, 2, a, b));
    }

    [Fact]
    public void A_release_records_its_steps_in_order_with_their_timings_and_ends_once()
    {
        var release = new Release { Number = 3, TriggeredBy = "ana@shop.test" };
        release.Begin(Release.Fetch, T0);
        release.Begin(Release.Build, T0.AddSeconds(1));
        release.Begin(Release.Start, T0.AddSeconds(3));
        release.Begin(Release.Health, T0.AddSeconds(4));
        release.Begin(Release.Switch, T0.AddSeconds(5));
        release.Begin(Release.Drain, T0.AddSeconds(5));
        Assert.Equal(ReleaseState.Draining, release.State);
        release.Succeed(T0.AddSeconds(7));

        Assert.Equal(ReleaseState.Succeeded, release.State);
        Assert.Equal(["fetch", "build", "start", "health", "switch", "drain"], release.Steps.Select(s => s.Name));
        Assert.Equal([1, 2, 1, 1, 0, 2], release.Steps.Select(s => (s.EndedAt! - s.StartedAt).Value.TotalSeconds));
        release.Fail("too late", T0.AddSeconds(9));
        Assert.Equal(ReleaseState.Succeeded, release.State); // an ended release stays as it ended
        Assert.Throws<InvalidOperationException>(() => release.Begin(Release.Fetch, T0.AddSeconds(10)));
    }

    [Fact]
    public void A_failed_release_keeps_the_error_and_the_last_log_lines()
    {
        var release = new Release { Number = 1, TriggeredBy = "polling" };
        release.Begin(Release.Start, T0);
        release.Fail("It did not pass its health check within 8 s.", T0.AddSeconds(8), ["line 1", "line 2"]);

        Assert.Equal(ReleaseState.Failed, release.State);
        Assert.Equal("line 1\nline 2", release.Log);
        Assert.Equal(T0.AddSeconds(8), release.Steps.Single().EndedAt);
        Assert.True(ReleaseRules.IsCommitId("abcd") && ReleaseRules.IsCommitId(new string('f', 64)));
        Assert.False(ReleaseRules.IsCommitId("abc") || ReleaseRules.IsCommitId("xyz123") || ReleaseRules.IsCommitId(new string('f', 65)));
    }
}
