using Microsoft.EntityFrameworkCore;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Tenancy;

/// <summary>All tenants, as the platform sees them; listing is for platform admins only (its endpoint and page require that role).</summary>
public sealed class TenantDirectory(PortalDbContext db)
{
    public async Task<IReadOnlyList<TenantSummary>> ListAsync(CancellationToken cancellationToken) =>
        await db.Tenants
            .OrderBy(t => t.Slug)
            .Select(t => new TenantSummary(t.Slug, t.DisplayName, db.Users.Count(u => u.TenantId == t.Id), t.CreatedAt,
                new TenantQuota(t.MaxMembers, t.MaxMemoryMb, t.MaxApplications), t.SuspendedAt, t.SuspendedReason))
            .ToListAsync(cancellationToken);

    public Task<string> SlugOfAsync(Guid tenantId, CancellationToken cancellationToken) =>
        db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Slug).SingleAsync(cancellationToken);
}
