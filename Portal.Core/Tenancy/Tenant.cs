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

    /// <summary>When a platform admin suspended it (null while it is not): its users cannot sign in and its applications do not serve.</summary>
    public DateTimeOffset? SuspendedAt { get; private set; }

    /// <summary>Why, as told to its users and to the visitors of its applications.</summary>
    public string? SuspendedReason { get; private set; }

    public bool Suspended => SuspendedAt is not null;

    public const int MaxReasonLength = 200;

    public const string DefaultReason = "Suspended by a platform admin.";

    public void Suspend(string? reason, DateTimeOffset at) =>
        (SuspendedAt, SuspendedReason) = (SuspendedAt ?? at, string.IsNullOrWhiteSpace(reason) ? DefaultReason : reason.Trim());

    public void Resume() => (SuspendedAt, SuspendedReason) = (null, null);

    public void SetQuota(TenantQuota quota) => (MaxMembers, MaxMemoryMb, MaxApplications) = (quota.MaxMembers, quota.MaxMemoryMb, quota.MaxApplications);
}
