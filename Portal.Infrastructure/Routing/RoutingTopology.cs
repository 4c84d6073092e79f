using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Routing;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Routing;

/// <summary>
/// What the router serves, read from the database for every tenant: each application's host names (its own, then
/// its custom domains), how it spreads requests and its Active members (reached on the port their container
/// publishes on 127.0.0.1). Applications without an Active member are listed too, with no members, so the router
/// can say so instead of "not found". During a rollout only the serving release's members are routed (the new
/// release's members join all at once when the reconciler switches it), unless none of them is Active. A suspended
/// tenant's applications are listed without members, with the reason.
/// </summary>
public sealed class RoutingTopology(PortalDbContext db)
{
    public async Task<IReadOnlyList<RoutedApplication>> ReadAsync(string appsDomain, CancellationToken cancellationToken)
    {
        var applications = await (from a in db.Applications.IgnoreQueryFilters().AsNoTracking()
                                  join t in db.Tenants.AsNoTracking() on a.TenantId equals t.Id
                                  join c in db.Cartridges.AsNoTracking() on a.CartridgeId equals c.Id
                                  orderby a.Id
                                  select new
                                  {
                                      a.Id, a.Name, Tenant = t.Slug, t.SuspendedAt, t.SuspendedReason, c.HealthCheck, c.HealthCheckPath, a.LoadBalancing, a.StickySessions, a.ReleaseId,
                                  }).ToListAsync(cancellationToken);
        var members = (await db.Members.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.State == MemberState.Active && m.HostPort != null)
                .Select(m => new { m.ApplicationId, m.Id, m.HostPort, m.ReleaseId })
                .ToListAsync(cancellationToken))
            .ToLookup(m => m.ApplicationId);
        var domains = (await db.ApplicationDomains.AsNoTracking()
                .Select(d => new { d.ApplicationId, d.Host })
                .ToListAsync(cancellationToken))
            .ToLookup(d => d.ApplicationId, d => d.Host);
        return
        [
            .. applications.Select(a => new RoutedApplication(
                a.Id,
                a.Tenant,
                a.Name,
                [ApplicationHosts.Of(a.Name, a.Tenant, appsDomain), .. domains[a.Id].Order(StringComparer.Ordinal)],
                a.SuspendedAt is null
                    ? [.. Serving(members[a.Id], m => m.ReleaseId == a.ReleaseId).OrderBy(m => m.Id).Select(m => new RoutedMember(m.Id, $"http://127.0.0.1:{m.HostPort}"))]
                    : [],
                a.HealthCheck == HealthCheckKind.Http ? a.HealthCheckPath ?? "/" : null,
                a.LoadBalancing,
                a.StickySessions,
                a.SuspendedAt is null ? null : a.SuspendedReason ?? Tenant.DefaultReason)),
        ];
    }

    /// <summary>The members of the serving release, or every Active member when none of those is Active.</summary>
    private static IEnumerable<T> Serving<T>(IEnumerable<T> active, Func<T, bool> ofServingRelease)
    {
        var serving = active.Where(ofServingRelease).ToList();
        return serving.Count > 0 ? serving : active;
    }
}
