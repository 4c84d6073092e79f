using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Applications;

/// <summary>What uses a platform thing (a cartridge, a policy), for the refusals of platform admins' deletes.</summary>
internal static class ApplicationUsers
{
    /// <summary>Every tenant's applications matching <paramref name="uses"/>, as <c>tenant/application</c>, in that order.</summary>
    public static async Task<List<string>> ApplicationsAcrossTenantsAsync(
        this PortalDbContext db, Expression<Func<Application, bool>> uses, CancellationToken cancellationToken) =>
        await (from a in db.Applications.IgnoreQueryFilters().Where(uses)
               join t in db.Tenants on a.TenantId equals t.Id
               orderby t.Slug, a.Name
               select t.Slug + "/" + a.Name).ToListAsync(cancellationToken);

    /// <summary>Names for a refusal's message: the first twenty, and how many more.</summary>
    public static string Listed(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(20)) + (names.Count > 20 ? $" and {names.Count - 20} more" : "");
}
