namespace Portal.Core.Tenancy;

/// <summary>An organization. Every tenant-owned row carries its <see cref="Id"/>.</summary>
public sealed class Tenant
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Unique, URL- and DNS-safe name (see <see cref="TenantSlug"/>).</summary>
    public required string Slug { get; init; }

    public required string DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public int? MaxMembers { get; private set; }

    public int? MaxMemoryMb { get; private set; }

    public int? MaxApplications { get; private set; }

    /// <summary>What a platform admin allows it (<see cref="TenantQuota.None"/> until one sets a quota).</summary>
    public TenantQuota Quota => new(MaxMembers, MaxMemoryMb, MaxApplications);

    public void SetQuota(TenantQuota quota) => (MaxMembers, MaxMemoryMb, MaxApplications) = (quota.MaxMembers, quota.MaxMemoryMb, quota.MaxApplications);
}
