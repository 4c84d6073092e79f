namespace Portal.Core.Tenancy;

/// <summary>A user of a tenant as the tenant's own people see them.</summary>
public sealed record TeamMember(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public bool IsAdmin => Roles.Contains(PortalRoles.TenantAdmin);
}

/// <summary>A created invitation and the one-time token for its link (shown once, never stored).</summary>
public sealed record IssuedInvitation(Invitation Invitation, string Token);

/// <summary>The outcome of a self-service sign-up.</summary>
public sealed record RegisteredTenant(Guid TenantId, string Tenant, string UserId, string Email);
