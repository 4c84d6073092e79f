using Portal.Core.Applications;

namespace Portal.Tests.Core;

public sealed class MemberLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_member_goes_created_starting_active_draining_terminated_with_timestamps()
    {
        var member = new Member { CreatedAt = T0 };

        member.MoveTo(MemberState.Starting, T0.AddSeconds(1));
        member.MoveTo(MemberState.Active, T0.AddSeconds(2));
        member.MoveTo(MemberState.Draining, T0.AddSeconds(3));
        member.MoveTo(MemberState.Terminated, T0.AddSeconds(4));

        Assert.Equal(MemberState.Terminated, member.State);
        Assert.Equal(
            [T0.AddSeconds(1), T0.AddSeconds(2), T0.AddSeconds(3), T0.AddSeconds(4)],
            new[] { member.StartedAt, member.ActiveAt, member.DrainingAt, member.TerminatedAt }.Select(t => t!.Value));
    }

    [Fact]
    public void A_fault_keeps_its_reason_and_leads_only_to_termination()
    {
        var member = new Member { CreatedAt = T0 };
        member.MoveTo(MemberState.Starting, T0);

        member.MoveTo(MemberState.Faulted, T0.AddSeconds(30), "The health check did not pass within 30 s.");

        Assert.Equal("The health check did not pass within 30 s.", member.FaultReason);
        Assert.Throws<InvalidOperationException>(() => member.MoveTo(MemberState.Active, T0));
        member.MoveTo(MemberState.Terminated, T0.AddSeconds(31));
    }

    [Theory]
    [InlineData(MemberState.Created, MemberState.Active)]
    [InlineData(MemberState.Active, MemberState.Starting)]
    [InlineData(MemberState.Draining, MemberState.Active)]
    [InlineData(MemberState.Terminated, MemberState.Starting)]
    [InlineData(MemberState.Active, MemberState.Terminated)]
    public void Moves_the_lifecycle_does_not_have_are_refused(MemberState from, MemberState to) =>
        Assert.False(MemberLifecycle.CanMove(from, to));

    [Fact]
    public void Only_created_starting_and_active_members_count_towards_the_desired_size()
    {
        Assert.Equal(
            [MemberState.Created, MemberState.Starting, MemberState.Active],
            Enum.GetValues<MemberState>().Where(MemberLifecycle.CountsTowardsDesired));
    }
}
