using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Routing;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Routing;

/// <summary>
/// What the router serves, read from the database for every tenant: each application's host names (its own, then
/// its custom domains), how it spreads requests and its Active members (reached on the port their container
/// publishes on 127.0.0.1). Applications without an Active member are listed too, with no members, so the router
/// can say so instead of "not found".
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
                                      a.Id, a.Name, Tenant = t.Slug, c.HealthCheck, c.HealthCheckPath, a.LoadBalancing, a.StickySessions,
                                  }).ToListAsync(cancellationToken);
        var members = (await db.Members.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.State == MemberState.Active && m.HostPort != null)
                .Select(m => new { m.ApplicationId, m.Id, m.HostPort })
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
                [.. members[a.Id].OrderBy(m => m.Id).Select(m => new RoutedMember(m.Id, $"http://127.0.0.1:{m.HostPort}"))],
                a.HealthCheck == HealthCheckKind.Http ? a.HealthCheckPath ?? "/" : null,
                a.LoadBalancing,
                a.StickySessions)),
        ];
    }
}
