namespace Portal.Tenancy;

/// <summary>Where an invitee goes to accept: the token travels in the link and nowhere else.</summary>
public static class InvitationLinks
{
    public const string AcceptPage = "/Account/AcceptInvitation";

    public static string AcceptPath(string token) => $"{AcceptPage}?token={Uri.EscapeDataString(token)}";
}
