using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Infrastructure.Persistence;

namespace Portal.Tests.Support;

/// <summary>Tests that set the scene in the database as the platform would: an application by its tenant's name and its own.</summary>
public static class TenantApplications
{
    /// <summary>Application <paramref name="name"/> of tenant <paramref name="tenant"/> (its slug), tracked, whatever tenant the context is for.</summary>
    public static Task<Application> ApplicationAsync(this PortalDbContext db, string tenant, string name) =>
        db.Applications.IgnoreQueryFilters().Join(db.Tenants, a => a.TenantId, t => t.Id, (a, t) => new { a, t })
            .Where(r => r.t.Slug == tenant && r.a.Name == name).Select(r => r.a).SingleAsync();
}
