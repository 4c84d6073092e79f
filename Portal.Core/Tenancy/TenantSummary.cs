namespace Portal.Core.Tenancy;

/// <summary>One row of the platform admin's tenant list.</summary>
public sealed record TenantSummary(string Slug, string DisplayName, int Users, DateTimeOffset CreatedAt, TenantQuota Quota, DateTimeOffset? SuspendedAt = null, string? SuspendedReason = null);
