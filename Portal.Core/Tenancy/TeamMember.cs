namespace Portal.Core.Tenancy;

/// <summary>A user of a tenant as the tenant's own people see them.</summary>
public sealed record TeamMember(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public bool IsAdmin => Roles.Contains(PortalRoles.TenantAdmin);
}
