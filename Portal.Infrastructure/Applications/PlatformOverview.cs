using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Releases;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Applications;

/// <summary>One tenant on the admin dashboard: its applications and members.</summary>
public sealed record TenantOverview(string Tenant, int Applications, int DesiredMembers, int ActiveMembers);

/// <summary>One application on the admin dashboard.</summary>
public sealed record ApplicationOverview(string Tenant, string Name, string Cartridge, ApplicationStatus Status, int DesiredMembers, int ActiveMembers, string? Problem);

/// <summary>
/// One partition: its members that run (starting, active or draining), and its capacity: for every application whose
/// deployment policy names it, the most members the policy lets that application put there, added up.
/// </summary>
public sealed record PartitionOverview(string Name, string Endpoint, bool? Reachable, string? Reason, int Members, int Capacity);

/// <summary>Something that went wrong recently: a member that faulted, a release that failed, a problem an application reports now.</summary>
public sealed record FailureOverview(DateTimeOffset At, string Tenant, string Application, string Kind, string Detail);

public sealed record PlatformOverviewView(
    IReadOnlyList<TenantOverview> Tenants,
    IReadOnlyList<ApplicationOverview> Applications,
    IReadOnlyList<PartitionOverview> Partitions,
    IReadOnlyList<FailureOverview> RecentFailures);

/// <summary>
/// Everything running, across tenants, for platform admins (its page and endpoint require that role; it reads past the
/// tenant filter on purpose).
/// </summary>
public sealed class PlatformOverview(PortalDbContext db, PartitionMonitor monitor, TimeProvider clock)
{
    /// <summary>How far back "recent" failures go.</summary>
    public static readonly TimeSpan RecentPeriod = TimeSpan.FromHours(24);

    public const int MaxFailures = 50;

    public async Task<PlatformOverviewView> ReadAsync(CancellationToken cancellationToken)
    {
        string[] all = [PortalDbContext.TenantFilter];
        var since = clock.GetUtcNow() - RecentPeriod;
        var tenants = await db.Tenants.AsNoTracking().OrderBy(t => t.Slug).Select(t => new { t.Id, t.Slug }).ToListAsync(cancellationToken);
        var slugs = tenants.ToDictionary(t => t.Id, t => t.Slug);
        var applications = await (from a in db.Applications.IgnoreQueryFilters(all).AsNoTracking()
                                  join c in db.Cartridges on a.CartridgeId equals c.Id
                                  select new { a.Id, a.TenantId, a.Name, a.DesiredMembers, a.Problem, a.DeploymentPolicyId, Cartridge = c.Name })
            .ToListAsync(cancellationToken);
        var live = await db.Members.IgnoreQueryFilters(all).AsNoTracking()
            .Where(m => m.State == MemberState.Starting || m.State == MemberState.Active || m.State == MemberState.Draining)
            .Select(m => new { m.ApplicationId, m.PartitionId, m.State })
            .ToListAsync(cancellationToken);
        var active = live.Where(m => m.State == MemberState.Active).GroupBy(m => m.ApplicationId).ToDictionary(g => g.Key, g => g.Count());

        var appViews = applications
            .Select(a => new ApplicationOverview(slugs.GetValueOrDefault(a.TenantId, "?"), a.Name, a.Cartridge,
                ApplicationStatusRules.Of(a.DesiredMembers, active.GetValueOrDefault(a.Id), a.Problem), a.DesiredMembers,
                active.GetValueOrDefault(a.Id), a.Problem))
            .OrderBy(a => a.Tenant, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
        var tenantViews = tenants
            .Select(t => new TenantOverview(t.Slug, applications.Count(a => a.TenantId == t.Id),
                applications.Where(a => a.TenantId == t.Id).Sum(a => a.DesiredMembers),
                applications.Where(a => a.TenantId == t.Id).Sum(a => active.GetValueOrDefault(a.Id))))
            .ToList();

        var policies = await db.DeploymentPolicies.AsNoTracking().ToListAsync(cancellationToken);
        var usesPolicy = applications.GroupBy(a => a.DeploymentPolicyId).ToDictionary(g => g.Key, g => g.Count());
        var capacity = policies
            .SelectMany(p => p.Partitions.Select(s => (s.PartitionId, Room: s.MaxMembers * usesPolicy.GetValueOrDefault(p.Id))))
            .GroupBy(x => x.PartitionId)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Room));
        var partitions = (await db.Partitions.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken))
            .Select(p =>
            {
                var status = monitor.StatusOf(p.Id);
                return new PartitionOverview(p.Name, p.Endpoint, status?.Reachable, status?.Reason, live.Count(m => m.PartitionId == p.Id), capacity.GetValueOrDefault(p.Id));
            })
            .ToList();

        return new PlatformOverviewView(tenantViews, appViews, partitions, await FailuresAsync(applications.ToDictionary(a => a.Id, a => (a.TenantId, a.Name)), slugs, since, cancellationToken));
    }

    private async Task<IReadOnlyList<FailureOverview>> FailuresAsync(
        Dictionary<Guid, (Guid TenantId, string Name)> applications, Dictionary<Guid, string> slugs, DateTimeOffset since, CancellationToken cancellationToken)
    {
        string[] all = [PortalDbContext.TenantFilter];
        var faulted = await db.Members.IgnoreQueryFilters(all).AsNoTracking()
            .Where(m => m.State == MemberState.Faulted || m.State == MemberState.Terminated)
            .Where(m => m.FaultedAt != null && m.FaultedAt >= since)
            .Select(m => new { m.Id, m.ApplicationId, m.FaultedAt, m.FaultReason })
            .ToListAsync(cancellationToken);
        var failedReleases = await db.Releases.IgnoreQueryFilters(all).AsNoTracking()
            .Where(r => r.State == ReleaseState.Failed && r.FinishedAt != null && r.FinishedAt >= since)
            .Select(r => new { r.ApplicationId, r.Number, r.FinishedAt, r.Error })
            .ToListAsync(cancellationToken);
        var problems = await db.Applications.IgnoreQueryFilters(all).AsNoTracking()
            .Where(a => a.Problem != null)
            .Select(a => new { a.Id, a.ProblemAt, a.Problem, a.CreatedAt })
            .ToListAsync(cancellationToken);

        FailureOverview Of(Guid application, DateTimeOffset at, string kind, string detail)
        {
            var (tenant, name) = applications.TryGetValue(application, out var a) ? (slugs.GetValueOrDefault(a.TenantId, "?"), a.Name) : ("?", "?");
            return new FailureOverview(at, tenant, name, kind, detail);
        }

        return [.. faulted.Select(m => Of(m.ApplicationId, m.FaultedAt!.Value, "Member faulted", $"Member {Member.ShortId(m.Id)}: {m.FaultReason}"))
            .Concat(failedReleases.Select(r => Of(r.ApplicationId, r.FinishedAt!.Value, "Release failed", $"Release #{r.Number}: {r.Error}")))
            .Concat(problems.Select(p => Of(p.Id, p.ProblemAt ?? p.CreatedAt, "Problem", p.Problem!)))
            .OrderByDescending(f => f.At)
            .Take(MaxFailures)];
    }
}
