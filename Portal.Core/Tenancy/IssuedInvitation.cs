namespace Portal.Core.Tenancy;

/// <summary>A created invitation and the one-time token for its link (shown once, never stored).</summary>
public sealed record IssuedInvitation(Invitation Invitation, string Token);
