using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Releases;

namespace Portal.Tests.Core;

/// <summary>The event timeline and up/down time read off members, releases and scaling decisions.</summary>
public sealed class ApplicationEventsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A member created at <paramref name="created"/> and moved through <paramref name="steps"/> (minutes after T0).</summary>
    private static Member MemberOf(int created, params (MemberState State, int At)[] steps)
    {
        var member = new Member { CreatedAt = T0.AddMinutes(created) };
        foreach (var (state, at) in steps)
        {
            member.MoveTo(state, T0.AddMinutes(at), state == MemberState.Faulted ? "It failed 3 health checks in a row." : null);
        }

        return member;
    }

    private static Member Served(int created, int active, int? drained = null, int? terminated = null)
    {
        List<(MemberState, int)> steps = [(MemberState.Starting, created), (MemberState.Active, active)];
        if (drained is { } d)
        {
            steps.Add((MemberState.Draining, d));
        }

        if (terminated is { } t)
        {
            steps.Add((MemberState.Terminated, t));
        }

        return MemberOf(created, [.. steps]);
    }

    [Fact]
    public void A_members_lifecycle_gives_its_events_with_the_member_and_newest_first()
    {
        var member = Served(0, 1, drained: 10, terminated: 11);

        var events = ApplicationEvents.Timeline([member], [], [], T0.AddDays(-1), 100);

        Assert.Equal(
            [ApplicationEventKind.MemberTerminated, ApplicationEventKind.MemberDraining, ApplicationEventKind.MemberActive, ApplicationEventKind.MemberCreated],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(member.Id, e.MemberId));
        Assert.Equal([T0.AddMinutes(11), T0.AddMinutes(10), T0.AddMinutes(1), T0], events.Select(e => e.At));
        Assert.Equal($"Member {Member.ShortId(member.Id)} was created.", events[^1].Detail);
    }

    [Fact]
    public void A_fault_says_why_and_releases_and_decisions_are_merged_in_time_order()
    {
        var faulted = MemberOf(0, (MemberState.Starting, 0), (MemberState.Active, 1), (MemberState.Faulted, 5), (MemberState.Terminated, 6));
        var release = new Release { Number = 2, TriggeredBy = "ana@acme.test", CreatedAt = T0.AddMinutes(2) };
        release.Resolved("0123456789abcdef0123", "Fix the cart", "Ana", T0);
        release.Begin(Release.Fetch, T0.AddMinutes(2));
        release.Fail("The build failed.", T0.AddMinutes(3));
        var decision = new ScalingDecision
        {
            At = T0.AddMinutes(4), Action = ScalingAction.ScaleUp, FromMembers = 1, ToMembers = 2, Reason = "CPU is predicted at 150 %.", Policy = "cpu",
        };

        var events = ApplicationEvents.Timeline([faulted], [release], [decision], T0.AddDays(-1), 100);

        Assert.Equal(
        [
            ApplicationEventKind.MemberTerminated, ApplicationEventKind.MemberFaulted, ApplicationEventKind.ScaledUp, ApplicationEventKind.ReleaseFailed,
            ApplicationEventKind.ReleaseQueued, ApplicationEventKind.MemberActive, ApplicationEventKind.MemberCreated,
        ], events.Select(e => e.Kind));
        Assert.Equal($"Member {Member.ShortId(faulted.Id)} faulted: It failed 3 health checks in a row.", events[1].Detail);
        Assert.Equal("Autoscaled from 1 to 2 members: CPU is predicted at 150 %.", events[2].Detail);
        Assert.Equal("Release #2 of 0123456789ab failed: The build failed.", events[3].Detail);
        Assert.Equal("Release #2 of 0123456789ab was asked for by ana@acme.test.", events[4].Detail);
        Assert.Null(events[3].MemberId);
    }

    [Fact]
    public void Only_events_since_the_start_count_and_at_most_the_limit_newest()
    {
        var old = Served(-120, -119, drained: 3, terminated: 4);

        var since = ApplicationEvents.Timeline([old], [], [], T0, 100);
        var limited = ApplicationEvents.Timeline([old], [], [], T0.AddDays(-1), 2);

        Assert.Equal([ApplicationEventKind.MemberTerminated, ApplicationEventKind.MemberDraining], since.Select(e => e.Kind));
        Assert.Equal([ApplicationEventKind.MemberTerminated, ApplicationEventKind.MemberDraining], limited.Select(e => e.Kind));
    }

    [Fact]
    public void An_application_is_up_while_any_member_serves_and_down_in_the_gaps()
    {
        // 0–60 min: a serves 1–30, b serves 20–40 (overlap), nothing 40–50, c serves 50 on (still Active at 60).
        Member a = Served(0, 1, drained: 30, terminated: 31), b = Served(15, 20, drained: 40, terminated: 41), c = Served(45, 50);

        var availability = ApplicationAvailability.Of([a, b, c], T0, T0, T0.AddMinutes(60));

        Assert.Equal(TimeSpan.FromMinutes(49), availability.Up); // 1–40 and 50–60
        Assert.Equal(TimeSpan.FromMinutes(11), availability.Down); // 0–1 starting, 40–50 nobody
        Assert.Equal(49 * 100.0 / 60, availability.UpPercent!.Value, 6);
        var members = availability.Members.ToDictionary(m => m.MemberId);
        Assert.Equal((TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(2)), (members[a.Id].Up, members[a.Id].Down)); // starting 1 min, draining 1
        Assert.Equal((TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(6)), (members[b.Id].Up, members[b.Id].Down));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)), (members[c.Id].Up, members[c.Id].Down));
    }

    [Fact]
    public void A_rollout_that_switches_members_in_one_step_costs_no_down_time()
    {
        // The old member drains in the very instant the new one turns Active (the switch).
        Member old = Served(0, 1, drained: 30, terminated: 31), next = Served(25, 30);

        var availability = ApplicationAvailability.Of([old, next], T0.AddMinutes(-10), T0.AddMinutes(1), T0.AddMinutes(60));

        Assert.Equal(TimeSpan.Zero, availability.Down);
        Assert.Equal(100, availability.UpPercent);
    }

    [Fact]
    public void The_period_starts_when_the_application_was_created_and_a_faulted_member_is_down()
    {
        var faulted = MemberOf(30, (MemberState.Starting, 30), (MemberState.Active, 31), (MemberState.Faulted, 40));

        var availability = ApplicationAvailability.Of([faulted], applicationCreatedAt: T0.AddMinutes(30), T0, T0.AddMinutes(60));

        Assert.Equal(T0.AddMinutes(30), availability.From);
        Assert.Equal(TimeSpan.FromMinutes(9), availability.Up);
        Assert.Equal(TimeSpan.FromMinutes(21), availability.Down);
        Assert.Equal((TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(21)), (availability.Members[0].Up, availability.Members[0].Down));
    }

    [Fact]
    public void An_empty_period_has_no_percentage()
    {
        var availability = ApplicationAvailability.Of([], T0, T0, T0);

        Assert.Null(availability.UpPercent);
        Assert.Empty(availability.Members);
    }
}
