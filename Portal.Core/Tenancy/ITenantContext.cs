namespace Portal.Core.Tenancy;

/// <summary>Port: the tenant of whoever is making the current call (null when nobody is signed in).</summary>
public interface ITenantContext
{
    Guid? TenantId { get; }
}
