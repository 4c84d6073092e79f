namespace Portal.Core.Tenancy;

/// <summary>Port: the tenant of whoever is making the current call (null when nobody is signed in).</summary>
public interface ITenantContext
{
    Guid? TenantId { get; }

    /// <summary>Who is making the call (their e-mail), for the audit log; null for the platform's own work.</summary>
    string? Actor => null;
}
