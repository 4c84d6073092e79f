using Microsoft.EntityFrameworkCore;
using Portal.Core.Metering;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Metering;

/// <summary>Usage as metered: the caller's tenant's (tenant-filtered), or every tenant's for platform admins.</summary>
public sealed class UsageReports(PortalDbContext db, TimeProvider clock)
{
    /// <summary>Today in UTC, the day usage is split by.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The caller's tenant's usage per day and application over <paramref name="period"/>.</summary>
    public async Task<UsageReport> MineAsync(UsagePeriod period, CancellationToken cancellationToken)
    {
        var rows = await db.UsageRecords.AsNoTracking()
            .Where(u => u.Day >= period.From && u.Day <= period.To)
            .Select(u => new UsageRow(u.Day, null, u.ApplicationId, u.ApplicationName, u.MemberSeconds, u.MemoryGibSeconds))
            .ToListAsync(cancellationToken);
        return UsageReport.Of(period, rows);
    }

    /// <summary>Every tenant's usage per day and application over <paramref name="period"/>, with the tenant's slug (platform admins).</summary>
    public async Task<UsageReport> AllTenantsAsync(UsagePeriod period, CancellationToken cancellationToken)
    {
        var rows = await (
                from u in db.UsageRecords.IgnoreQueryFilters([PortalDbContext.TenantFilter]).AsNoTracking()
                join t in db.Tenants.AsNoTracking() on u.TenantId equals t.Id
                where u.Day >= period.From && u.Day <= period.To
                select new UsageRow(u.Day, t.Slug, u.ApplicationId, u.ApplicationName, u.MemberSeconds, u.MemoryGibSeconds))
            .ToListAsync(cancellationToken);
        return UsageReport.Of(period, rows);
    }
}
