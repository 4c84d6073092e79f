namespace Portal.Core.Tenancy;

/// <summary>An organization. Every tenant-owned row carries its <see cref="Id"/>.</summary>
public sealed class Tenant
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Unique, URL- and DNS-safe name (see <see cref="TenantSlug"/>).</summary>
    public required string Slug { get; init; }

    public required string DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
