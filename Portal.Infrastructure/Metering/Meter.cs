using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Applications;
using Portal.Core.Metering;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Metering;

/// <summary>
/// Adds members' running time to the tenants' <see cref="UsageRecord"/>s (rules: <see cref="MeteringRules"/>).
/// In one transaction: each due member's <see cref="Member.MeteredUntil"/> is moved on only if it is still what was
/// read (a compare-and-set), and only the members moved on add their usage. So two meters at once (the job and an
/// application's deletion) never count a second twice: the later one finds the mark moved and adds nothing for that
/// member. Run by <see cref="MeterJob"/> for all tenants, and by <c>ApplicationService.DeleteAsync</c> for the
/// application's members right before they are deleted.
/// </summary>
public sealed partial class Meter(IServiceScopeFactory scopes, TimeProvider clock, ILogger<Meter> logger)
{
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var metered = await MeterAsync(db, application: null, clock.GetUtcNow(), cancellationToken);
        if (metered > 0)
        {
            LogMetered(metered);
        }
    }

    /// <summary>
    /// Meters up to <paramref name="now"/> the members of <paramref name="application"/> (all applications when null),
    /// in the caller's transaction if one is open, else in its own. Returns how many members were metered.
    /// </summary>
    public static async Task<int> MeterAsync(PortalDbContext db, Guid? application, DateTimeOffset now, CancellationToken cancellationToken)
    {
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero); // what every database stores exactly

        var members = db.Members.IgnoreQueryFilters().AsNoTracking().Where(m => m.StartedAt != null);
        if (application is { } id)
        {
            members = members.Where(m => m.ApplicationId == id);
        }

        // Running, or ended and not metered exactly to its end (NeedsMetering, in SQL).
        var due = await members
            .Where(m => m.MeteredUntil == null
                        || (m.FaultedAt == null && m.TerminatedAt == null)
                        || (m.FaultedAt != null ? m.MeteredUntil != m.FaultedAt : m.MeteredUntil != m.TerminatedAt))
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var ids = due.Select(m => m.ApplicationId).Distinct().ToList();
        var applications = await (
                from a in db.Applications.IgnoreQueryFilters().AsNoTracking()
                join c in db.Cartridges.AsNoTracking() on a.CartridgeId equals c.Id
                where ids.Contains(a.Id)
                select new { a.Id, a.TenantId, a.Name, c.MemoryLimitMb })
            .ToDictionaryAsync(a => a.Id, cancellationToken);

        var owned = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var added = new List<(Guid Application, MeterDue Due)>();
            foreach (var member in due.Where(m => applications.ContainsKey(m.ApplicationId)))
            {
                if (MeteringRules.Due(member, applications[member.ApplicationId].MemoryLimitMb, now) is not { } owed)
                {
                    continue;
                }

                var moved = await db.Members.IgnoreQueryFilters()
                    .Where(m => m.Id == member.Id && (owed.From == null ? m.MeteredUntil == null : m.MeteredUntil == owed.From))
                    .ExecuteUpdateAsync(set => set.SetProperty(m => m.MeteredUntil, owed.Until), cancellationToken);
                if (moved == 1)
                {
                    added.Add((member.ApplicationId, owed));
                }
            }

            var usage = MeteringRules.PerApplicationDay(added);
            var days = usage.Keys.Select(k => k.Day).Distinct().ToList();
            var appIds = usage.Keys.Select(k => k.Application).Distinct().ToList();
            var records = await db.UsageRecords.IgnoreQueryFilters()
                .Where(u => appIds.Contains(u.ApplicationId) && days.Contains(u.Day))
                .ToDictionaryAsync(u => (u.ApplicationId, u.Day), cancellationToken);
            foreach (var ((app, day), used) in usage)
            {
                if (!records.TryGetValue((app, day), out var record))
                {
                    var owner = applications[app];
                    record = new UsageRecord { TenantId = owner.TenantId, ApplicationId = app, ApplicationName = owner.Name, Day = day };
                    db.UsageRecords.Add(record);
                }

                record.Add(used);
            }

            await db.SaveChangesAsync(cancellationToken);
            if (owned is not null)
            {
                await owned.CommitAsync(cancellationToken);
            }

            return added.Count;
        }
        finally
        {
            if (owned is not null)
            {
                await owned.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metered {Members} member(s).")]
    private partial void LogMetered(int members);
}
