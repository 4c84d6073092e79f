namespace Portal.Core.Tenancy;

/// <summary>The outcome of a self-service sign-up.</summary>
public sealed record RegisteredTenant(Guid TenantId, string Tenant, string UserId, string Email);
