using Portal.Core.Tenancy;

namespace Portal.Tests.Core;

public sealed class InvitationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static Invitation Pending() => new()
    {
        Email = "x@y.test", Role = PortalRoles.TenantMember, TokenHash = "h", InvitedBy = "a@y.test",
        CreatedAt = Now, ExpiresAt = Now + Invitation.Lifetime,
    };

    [Fact]
    public void A_new_invitation_is_pending_until_it_expires()
    {
        var invitation = Pending();
        Assert.Equal(InvitationStatus.Pending, invitation.StatusAt(Now));
        Assert.Equal(InvitationStatus.Pending, invitation.StatusAt(Now + Invitation.Lifetime - TimeSpan.FromSeconds(1)));
        Assert.Equal(InvitationStatus.Expired, invitation.StatusAt(Now + Invitation.Lifetime));
    }

    [Fact]
    public void Accepting_is_once_only()
    {
        var invitation = Pending();
        invitation.Accept(Now);
        Assert.Equal(InvitationStatus.Accepted, invitation.StatusAt(Now));
        Assert.Throws<InvalidOperationException>(() => invitation.Accept(Now));
        Assert.Throws<InvalidOperationException>(() => invitation.Revoke(Now));
    }

    [Fact]
    public void Revoked_or_expired_invitations_cannot_be_accepted()
    {
        var revoked = Pending();
        revoked.Revoke(Now);
        Assert.Equal(InvitationStatus.Revoked, revoked.StatusAt(Now));
        Assert.Throws<InvalidOperationException>(() => revoked.Accept(Now));

        Assert.Throws<InvalidOperationException>(() => Pending().Accept(Now + Invitation.Lifetime));
    }
}
