namespace Portal.Core.Tenancy;

/// <summary>The three roles of the portal.</summary>
public static class PortalRoles
{
    /// <summary>Uses the tenant's applications.</summary>
    public const string TenantMember = "TenantMember";

    /// <summary>Manages the tenant: its users, invitations and everything a member can do.</summary>
    public const string TenantAdmin = "TenantAdmin";

    /// <summary>DevOps: the admin console (cartridges, policies, partitions), across tenants.</summary>
    public const string PlatformAdmin = "PlatformAdmin";

    public static IReadOnlyList<string> All { get; } = [TenantMember, TenantAdmin, PlatformAdmin];

    /// <summary>Roles a tenant admin may give to users of their tenant.</summary>
    public static IReadOnlyList<string> Assignable { get; } = [TenantMember, TenantAdmin];

    public static bool IsAssignable(string? role) => role is not null && Assignable.Contains(role);
}
