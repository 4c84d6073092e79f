namespace Portal.Tenancy;

/// <summary>Authorization policy names.</summary>
public static class PortalPolicies
{
    /// <summary>Any signed-in caller of the REST API, with a bearer token.</summary>
    public const string ApiUser = "ApiUser";

    /// <summary>Admins of their own tenant.</summary>
    public const string TenantAdmin = "TenantAdmin";

    /// <summary>DevOps: the admin console.</summary>
    public const string PlatformAdmin = "PlatformAdmin";
}
