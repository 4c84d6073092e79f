using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Tenancy;

/// <summary>A tenant's quota as admins see it, with what it uses now.</summary>
public sealed record TenantQuotaView(string Tenant, TenantQuota Quota, TenantUsage Usage);

/// <summary>
/// Tenants' quotas: platform admins read and set them (their endpoints and page require that role); applications and
/// scaling check the caller's tenant against its quota; the autoscaler reads every tenant's at once.
/// Usage counts the members applications are meant to run (desired), and their memory limits.
/// </summary>
public sealed class TenantQuotas(PortalDbContext db, ITenantContext tenant)
{
    public async Task<TenantQuotaView?> GetAsync(string slug, CancellationToken cancellationToken)
    {
        var found = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken);
        return found is null ? null : new TenantQuotaView(found.Slug, found.Quota, await UsageAsync(found.Id, cancellationToken));
    }

    public async Task<Result<TenantQuotaView>> SetAsync(string slug, TenantQuota quota, CancellationToken cancellationToken)
    {
        if (TenantQuota.Validate(quota.MaxMembers, quota.MaxMemoryMb, quota.MaxApplications) is { Count: > 0 } errors)
        {
            return new Failure(FailureKind.Validation, "The quota is not valid.", errors);
        }

        var found = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken);
        if (found is null)
        {
            return Failure.NotFound($"There is no tenant '{slug}'.");
        }

        found.SetQuota(quota);
        await db.SaveChangesAsync(cancellationToken);
        return new TenantQuotaView(found.Slug, found.Quota, await UsageAsync(found.Id, cancellationToken));
    }

    /// <summary>The caller's tenant's quota and usage (none for a caller of no tenant).</summary>
    public async Task<(TenantQuota Quota, TenantUsage Usage)> OfCallerAsync(CancellationToken cancellationToken)
    {
        if (tenant.TenantId is not { } id)
        {
            return (TenantQuota.None, new TenantUsage(0, 0, 0));
        }

        var quota = await db.Tenants.Where(t => t.Id == id).Select(t => new TenantQuota(t.MaxMembers, t.MaxMemoryMb, t.MaxApplications))
            .SingleOrDefaultAsync(cancellationToken) ?? TenantQuota.None;
        return (quota, await UsageAsync(id, cancellationToken));
    }

    /// <summary>Every tenant's quota that limits something, with its usage (for the autoscaler, which acts for all tenants).</summary>
    public async Task<IReadOnlyDictionary<Guid, (TenantQuota Quota, TenantUsage Usage)>> AllLimitedAsync(CancellationToken cancellationToken)
    {
        var limited = await db.Tenants.AsNoTracking()
            .Where(t => t.MaxMembers != null || t.MaxMemoryMb != null || t.MaxApplications != null)
            .ToListAsync(cancellationToken);
        var result = new Dictionary<Guid, (TenantQuota, TenantUsage)>();
        foreach (var t in limited)
        {
            result[t.Id] = (t.Quota, await UsageAsync(t.Id, cancellationToken));
        }

        return result;
    }

    private async Task<TenantUsage> UsageAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var applications = await (
                from a in db.Applications.IgnoreQueryFilters([PortalDbContext.TenantFilter])
                where a.TenantId == tenantId
                join c in db.Cartridges on a.CartridgeId equals c.Id
                select new { a.DesiredMembers, c.MemoryLimitMb })
            .ToListAsync(cancellationToken);
        return new TenantUsage(applications.Count, applications.Sum(a => a.DesiredMembers), applications.Sum(a => (long)a.DesiredMembers * a.MemoryLimitMb));
    }
}
