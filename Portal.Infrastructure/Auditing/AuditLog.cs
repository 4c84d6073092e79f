using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Auditing;

/// <summary>An audit entry as shown: with its tenant's slug (empty for the platform's things).</summary>
public sealed record AuditEntryView(
    Guid Id, DateTimeOffset At, string Actor, string Tenant, AuditAction Action, string Entity, string EntityId, string Name, string? Before, string? After);

/// <summary>The audit log as platform admins read it: newest first, narrowed by tenant, person or kind of thing.</summary>
public sealed class AuditLog(PortalDbContext db)
{
    public const int MaxEntries = 500;

    /// <summary>The newest entries (at most <paramref name="limit"/>) before <paramref name="before"/> (for paging); null when <paramref name="tenant"/> is not a tenant.</summary>
    public async Task<IReadOnlyList<AuditEntryView>?> ListAsync(
        string? tenant, string? actor, string? entity, DateTimeOffset? before, int limit, CancellationToken cancellationToken)
    {
        var slugs = await db.Tenants.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            var id = slugs.FirstOrDefault(s => string.Equals(s.Value, tenant.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
            if (id == Guid.Empty)
            {
                return null;
            }

            entries = entries.Where(e => e.TenantId == id);
        }

        if (!string.IsNullOrWhiteSpace(actor))
        {
            var who = actor.Trim().ToLowerInvariant();
            entries = entries.Where(e => e.Actor == who); // stored in lower case
        }

        if (!string.IsNullOrWhiteSpace(entity))
        {
            var what = entity.Trim();
            entries = entries.Where(e => e.Entity == what);
        }

        if (before?.ToUniversalTime() is { } until)
        {
            entries = entries.Where(e => e.At < until);
        }

        var page = await entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(Math.Clamp(limit, 1, MaxEntries)).ToListAsync(cancellationToken);
        return [.. page.Select(e => new AuditEntryView(e.Id, e.At, e.Actor, e.TenantId is { } t ? slugs.GetValueOrDefault(t, "") : "", e.Action,
            e.Entity, e.EntityId, e.Name, e.Before, e.After))];
    }
}
