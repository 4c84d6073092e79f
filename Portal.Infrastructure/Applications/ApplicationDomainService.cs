using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Applications;
using Portal.Core.Common;
using Portal.Core.Routing;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Routing;

namespace Portal.Infrastructure.Applications;

/// <summary>A custom domain and the application it serves.</summary>
public sealed record CustomDomainView(string Host, string Tenant, string Application, DateTimeOffset AddedAt);

/// <summary>
/// Custom domains, managed by platform admins for any tenant's application (so this reads across tenants). A host
/// name serves one application; the router answers it within a second of a change.
/// </summary>
public sealed class ApplicationDomainService(PortalDbContext db, TopologySignal topology, TimeProvider clock)
{
    public async Task<IReadOnlyList<CustomDomainView>> ListAsync(CancellationToken cancellationToken) =>
        await (from d in db.ApplicationDomains.AsNoTracking()
               join a in db.Applications.IgnoreQueryFilters() on d.ApplicationId equals a.Id
               join t in db.Tenants on a.TenantId equals t.Id
               orderby d.Host
               select new CustomDomainView(d.Host, t.Slug, a.Name, d.AddedAt)).ToListAsync(cancellationToken);

    public async Task<Result<CustomDomainView>> AddAsync(
        string? host, string tenant, string application, string appsDomain, CancellationToken cancellationToken)
    {
        var normalized = ApplicationHosts.Normalize(host);
        if (ApplicationHosts.CheckCustomDomain(normalized, appsDomain) is { } problem)
        {
            return Failure.Validation("host", problem);
        }

        var target = await (from a in db.Applications.IgnoreQueryFilters()
                            join t in db.Tenants on a.TenantId equals t.Id
                            where t.Slug == tenant && a.Name == application
                            select new { a.Id }).SingleOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return Failure.Validation("application", $"Tenant '{tenant}' has no application named '{application}'.");
        }

        if (await OwnerOfAsync(normalized, cancellationToken) is { } owner)
        {
            return Failure.Conflict("host", $"{normalized} serves {owner} already: remove it there first.");
        }

        var domain = new ApplicationDomain { Host = normalized, ApplicationId = target.Id, AddedAt = clock.GetUtcNow() };
        db.ApplicationDomains.Add(domain);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(domain).State = EntityState.Detached;
            return Failure.Conflict("host", $"{normalized} was given to another application meanwhile.");
        }

        topology.Changed();
        return new CustomDomainView(domain.Host, tenant, application, domain.AddedAt);
    }

    public async Task<Result<string>> RemoveAsync(string host, CancellationToken cancellationToken)
    {
        var normalized = ApplicationHosts.Normalize(host);
        var owner = await (from d in db.ApplicationDomains
                           join a in db.Applications.IgnoreQueryFilters() on d.ApplicationId equals a.Id
                           where d.Host == normalized
                           select new { a.TenantId, Application = a.Name }).FirstOrDefaultAsync(cancellationToken);
        if (owner is null || await db.ApplicationDomains.Where(d => d.Host == normalized).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return Failure.NotFound($"No application has the domain '{normalized}'.");
        }

        db.Audit(AuditAction.Deleted, nameof(ApplicationDomain), normalized, normalized, owner.TenantId, new { Host = normalized, owner.Application }, null);
        await db.SaveChangesAsync(cancellationToken);

        topology.Changed();
        return normalized;
    }

    private async Task<string?> OwnerOfAsync(string host, CancellationToken cancellationToken) =>
        await (from d in db.ApplicationDomains
               join a in db.Applications.IgnoreQueryFilters() on d.ApplicationId equals a.Id
               join t in db.Tenants on a.TenantId equals t.Id
               where d.Host == host
               select t.Slug + "/" + a.Name).SingleOrDefaultAsync(cancellationToken);
}
