namespace Portal.Infrastructure.Identity;

/// <summary>Claims the portal adds to a signed-in user's principal (cookie and bearer token alike).</summary>
public static class PortalClaimTypes
{
    public const string TenantId = "portal:tenant_id";
    public const string Tenant = "portal:tenant";
}
