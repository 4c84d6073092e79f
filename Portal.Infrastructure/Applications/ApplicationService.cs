using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Auditing;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Core.Partitions;
using Portal.Core.Releases;
using Portal.Core.Routing;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Autoscaling;
using Portal.Infrastructure.Metering;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Routing;
using Portal.Infrastructure.Tenancy;

namespace Portal.Infrastructure.Applications;

/// <summary>What a tenant asks for when creating an application.</summary>
public sealed record CreateApplication(
    string Name, string Cartridge, int? MinMembers, int? MaxMembers, IReadOnlyList<string>? Links, string? DeploymentPolicy,
    LoadBalancingAlgorithm? LoadBalancing = null, bool? StickySessions = null, string? AutoscalingPolicy = null,
    IReadOnlyList<string>? StartAfter = null, string? Schema = null);

/// <summary>
/// A tenant's applications: create, list, read, scale, delete. Every query goes through the tenant filter, so a
/// tenant only ever sees and touches its own. Running them is the reconciler's job: this records what is wanted.
/// </summary>
public sealed class ApplicationService(
    PortalDbContext db, IDataProtectionProvider protection, TopologySignal topology, IGitSource git, TenantQuotas quotas, TimeProvider clock)
{
    /// <summary>The field a refusal for the tenant's quota is keyed by.</summary>
    public const string QuotaField = "quota";

    private const string LoadBalancingNotKnown = "Choose roundRobin or leastRequests.";

    public async Task<Result<ApplicationDetails>> CreateAsync(CreateApplication request, CancellationToken cancellationToken)
    {
        if (request.LoadBalancing is { } algorithm && !Enum.IsDefined(algorithm))
        {
            return Failure.Validation("loadBalancing", LoadBalancingNotKnown);
        }

        var cartridge = await db.Cartridges.AsNoTracking().SingleOrDefaultAsync(c => c.Name == request.Cartridge, cancellationToken);
        if (cartridge is null)
        {
            return Failure.Validation("cartridge", $"There is no cartridge named '{request.Cartridge}'.");
        }

        var policyName = string.IsNullOrWhiteSpace(request.DeploymentPolicy) ? DeploymentPolicy.DefaultName : request.DeploymentPolicy;
        var policy = await db.DeploymentPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Name == policyName, cancellationToken);
        if (policy is null)
        {
            return Failure.Validation("deploymentPolicy", $"There is no deployment policy named '{policyName}'.");
        }

        Guid? autoscaling = null;
        if (!string.IsNullOrEmpty(request.AutoscalingPolicy))
        {
            if (cartridge.Category == CartridgeCategory.Data)
            {
                return Failure.Validation("autoscalingPolicy", AutoscalingService.DataNotScaled);
            }

            autoscaling = await db.AutoscalingPolicies.Where(p => p.Name == request.AutoscalingPolicy).Select(p => (Guid?)p.Id)
                .SingleOrDefaultAsync(cancellationToken);
            if (autoscaling is null)
            {
                return Failure.Validation("autoscalingPolicy", AutoscalingService.NoSuchPolicy(request.AutoscalingPolicy));
            }
        }

        var min = request.MinMembers ?? 1;
        var max = request.MaxMembers ?? Math.Max(min, 1);
        var links = request.Links ?? [];
        var dataApplications = await DataApplicationsAsync(cancellationToken);
        var errors = ApplicationRules.Validate(
            new ApplicationRequest(request.Name, cartridge.Category, min, max, links, request.Schema),
            dataApplications.Select(a => a.Name).ToHashSet(StringComparer.Ordinal));
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The application is not valid.", errors);
        }

        if (await db.Applications.AnyAsync(a => a.Name == request.Name, cancellationToken))
        {
            return Failure.Conflict("name", $"You have an application named '{request.Name}' already.");
        }

        var startAfter = (request.StartAfter ?? []).Distinct(StringComparer.Ordinal).ToList();
        var predecessors = await db.Applications.Where(a => startAfter.Contains(a.Name)).Select(a => new { a.Id, a.Name })
            .ToListAsync(cancellationToken);
        if (startAfter.Except(predecessors.Select(p => p.Name)).ToList() is { Count: > 0 } unknown)
        {
            return Failure.Validation("startAfter", $"You have no application named {string.Join(", ", unknown.Select(u => $"'{u}'"))} to start after.");
        }

        var (quota, usage) = await quotas.OfCallerAsync(cancellationToken);
        if (QuotaRules.CheckNewApplication(quota, usage, min, cartridge.MemoryLimitMb) is { } overQuota)
        {
            return Failure.Conflict(QuotaField, overQuota);
        }

        var application = new Application
        {
            Name = request.Name,
            CartridgeId = cartridge.Id,
            DeploymentPolicyId = policy.Id,
            MinMembers = min,
            MaxMembers = max,
            DesiredMembers = min,
            AutoscalingPolicyId = autoscaling,
            LoadBalancing = request.LoadBalancing ?? LoadBalancingAlgorithm.RoundRobin,
            StickySessions = request.StickySessions ?? false,
            LinkedApplicationId = links.Count == 1 ? dataApplications.Single(a => a.Name == links[0]).Id : null,
            StartAfter = [.. predecessors.Select(p => p.Id)],
            Schema = string.IsNullOrWhiteSpace(request.Schema) ? null : request.Schema,
            ProtectedCredentials = cartridge.Category == CartridgeCategory.Data
                ? Credentials.Protect(protection, DatabaseCredentials.Generate(request.Name))
                : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Applications.Add(application);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(application).State = EntityState.Detached;
            return await db.Applications.AnyAsync(a => a.Name == request.Name, cancellationToken)
                ? Failure.Conflict("name", $"You have an application named '{request.Name}' already.")
                : links.Count > 0
                    ? Failure.Conflict("links", $"'{links[0]}' was deleted meanwhile.")
                    : Failure.Conflict("name", "What the application names (its cartridge or a policy) changed meanwhile; try again.");
        }

        return (await GetAsync(request.Name, cancellationToken))!;
    }

    public async Task<IReadOnlyList<ApplicationSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await Rows().OrderBy(r => r.Application.Name).ToListAsync(cancellationToken);
        var active = await ActiveCountsAsync(cancellationToken);
        var names = rows.ToDictionary(r => r.Application.Id, r => r.Application.Name);
        return [.. rows.Select(r => Summarize(r.Application, r.Cartridge, active.GetValueOrDefault(r.Application.Id), names))];
    }

    public async Task<ApplicationDetails?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var row = await Rows().SingleOrDefaultAsync(r => r.Application.Name == name, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var application = row.Application;
        var members = await (from m in db.Members.AsNoTracking()
                             join p in db.Partitions on m.PartitionId equals p.Id into partitions
                             from p in partitions.DefaultIfEmpty()
                             where m.ApplicationId == application.Id
                                   && (m.State != MemberState.Terminated && m.State != MemberState.Faulted
                                       || m.FaultedAt != null)
                             orderby m.CreatedAt
                             select new { Member = m, Partition = p == null ? "(deleted)" : p.Name }).ToListAsync(cancellationToken);
        var views = members.Select(m => new MemberView(m.Member.Id, m.Member.State, m.Partition, m.Member.CreatedAt,
            m.Member.StartedAt, m.Member.ActiveAt, m.Member.FaultedAt, m.Member.FaultReason)).ToList();
        var linkedName = application.LinkedApplicationId is { } linkedId
            ? await db.Applications.Where(a => a.Id == linkedId).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        var linkedBy = await db.Applications.Where(a => a.LinkedApplicationId == application.Id).OrderBy(a => a.Name)
            .Select(a => a.Name).ToListAsync(cancellationToken);
        List<string> startAfter = application.StartAfter.Count == 0 ? [] : await db.Applications.Where(a => application.StartAfter.Contains(a.Id))
            .OrderBy(a => a.Name).Select(a => a.Name).ToListAsync(cancellationToken);
        var policy = await db.DeploymentPolicies.Where(p => p.Id == application.DeploymentPolicyId).Select(p => p.Name)
            .SingleAsync(cancellationToken);
        var active = views.Count(v => v.State == MemberState.Active);
        var names = linkedName is null ? [] : new Dictionary<Guid, string> { [application.LinkedApplicationId!.Value] = linkedName };
        var tenant = await db.Tenants.Where(t => t.Id == application.TenantId).Select(t => t.Slug).SingleAsync(cancellationToken);
        var domains = await db.ApplicationDomains.Where(d => d.ApplicationId == application.Id).OrderBy(d => d.Host)
            .Select(d => d.Host).ToListAsync(cancellationToken);

        var repository = await db.Repositories.AsNoTracking().SingleOrDefaultAsync(r => r.ApplicationId == application.Id, cancellationToken);
        var release = application.ReleaseId is { } releaseId
            ? await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == releaseId, cancellationToken)
            : null;
        var autoscaling = application.AutoscalingPolicyId is { } autoscalingId
            ? await db.AutoscalingPolicies.Where(p => p.Id == autoscalingId).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken)
            : null;

        return new ApplicationDetails(
            Summarize(application, row.Cartridge, active, names),
            policy,
            application.Problem,
            [.. views.Where(v => v.State is not (MemberState.Terminated or MemberState.Faulted))],
            [.. views.Where(v => v.FaultedAt is not null).OrderByDescending(v => v.FaultedAt).Take(10)],
            linkedBy,
            new ApplicationRouting(tenant, domains, application.LoadBalancing, application.StickySessions),
            repository is null ? null : RepositoryView.Of(repository),
            release is null ? null : ReleaseView.Of(release, application.ReleaseId),
            autoscaling,
            startAfter,
            application.Schema);
    }

    /// <summary>Sets how the router spreads the application's requests; the router follows within a second.</summary>
    public async Task<Result<ApplicationDetails>> SetRoutingAsync(
        string name, LoadBalancingAlgorithm loadBalancing, bool stickySessions, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(loadBalancing))
        {
            return Failure.Validation("loadBalancing", LoadBalancingNotKnown);
        }

        var application = await db.Applications.SingleOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (application is null)
        {
            return Failure.NotFound($"You have no application named '{name}'.");
        }

        application.LoadBalancing = loadBalancing;
        application.StickySessions = stickySessions;
        if (await db.SaveChangesAsync(cancellationToken) > 0)
        {
            topology.Changed();
        }

        return (await GetAsync(name, cancellationToken))!;
    }

    /// <summary>
    /// Links the application to one of the tenant's data applications (<paramref name="database"/>), or unlinks it (null).
    /// A change starts a new <see cref="Application.Revision"/>: its members are replaced by ones started with the new
    /// DB_* variables (or none), the old ones serving until the new ones are Active, as in a rollout.
    /// </summary>
    public async Task<Result<ApplicationDetails>> SetLinkAsync(string name, string? database, CancellationToken cancellationToken)
    {
        var row = await (from a in db.Applications
                         join c in db.Cartridges on a.CartridgeId equals c.Id
                         where a.Name == name
                         select new { Application = a, c.Category }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return Failure.NotFound($"You have no application named '{name}'.");
        }

        var application = row.Application;
        Guid? target = null;
        if (!string.IsNullOrEmpty(database))
        {
            var dataApplications = await DataApplicationsAsync(cancellationToken);
            var errors = ApplicationRules.Validate(
                new ApplicationRequest(name, row.Category, application.MinMembers, application.MaxMembers, [database]),
                dataApplications.Select(a => a.Name).ToHashSet(StringComparer.Ordinal));
            if (errors.TryGetValue("links", out var linkErrors))
            {
                return Failure.Validation("database", linkErrors[0]);
            }

            target = dataApplications.Single(a => a.Name == database).Id;
        }

        if (application.LinkedApplicationId == target)
        {
            return (await GetAsync(name, cancellationToken))!;
        }

        // Only from the revision read: two changes at once must not both become the same next revision (members started
        // in between with the first link would then never be replaced).
        var before = (application.LinkedApplicationId, application.Revision);
        int changed;
        try
        {
            changed = await db.Applications.Where(a => a.Id == application.Id && a.Revision == before.Revision)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.LinkedApplicationId, target).SetProperty(a => a.Revision, before.Revision + 1),
                    cancellationToken);
        }
        catch (DbException)
        {
            changed = 0; // the database went meanwhile
        }

        if (changed == 0)
        {
            return Failure.Conflict("database", $"'{name}' or '{database}' changed meanwhile; look again and retry.");
        }

        db.Audit(AuditAction.Modified, nameof(Application), application.Id.ToString(), name, application.TenantId,
            new { LinkedApplicationId = before.LinkedApplicationId, Revision = before.Revision },
            new { LinkedApplicationId = target, Revision = before.Revision + 1 });
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(application).State = EntityState.Detached;
        return (await GetAsync(name, cancellationToken))!;
    }

    /// <summary>The tenant's data applications (those a link may name), by id and name.</summary>
    private async Task<List<(Guid Id, string Name)>> DataApplicationsAsync(CancellationToken cancellationToken) =>
        [
            .. (await (from a in db.Applications
                       join c in db.Cartridges on a.CartridgeId equals c.Id
                       where c.Category == CartridgeCategory.Data
                       select new { a.Id, a.Name }).ToListAsync(cancellationToken)).Select(a => (a.Id, a.Name)),
        ];

    public async Task<Result<ApplicationDetails>> ScaleAsync(string name, int members, CancellationToken cancellationToken)
    {
        var application = await db.Applications.SingleOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (application is null)
        {
            return Failure.NotFound($"You have no application named '{name}'.");
        }

        if (application.AutoscalingPolicyId is not null)
        {
            return Failure.Conflict("members", "The application is autoscaled: its policy sets the members between min and max. "
                                               + "Change min and max, or turn autoscaling off, to choose the count by hand.");
        }

        if (ApplicationRules.CheckScale(members, application.MinMembers, application.MaxMembers) is { } problem)
        {
            return Failure.Validation("members", problem);
        }

        if (members > application.DesiredMembers)
        {
            var memory = await db.Cartridges.Where(c => c.Id == application.CartridgeId).Select(c => c.MemoryLimitMb).SingleAsync(cancellationToken);
            var (quota, usage) = await quotas.OfCallerAsync(cancellationToken);
            if (QuotaRules.CheckMoreMembers(quota, usage, members - application.DesiredMembers, memory) is { } overQuota)
            {
                return Failure.Conflict("members", overQuota);
            }
        }

        application.DesiredMembers = members;
        await db.SaveChangesAsync(cancellationToken);
        return (await GetAsync(name, cancellationToken))!;
    }

    /// <summary>
    /// Deletes the application (and, for a data application, its data): its rows go now; the reconciler removes
    /// its containers and volume on its next pass (and, for a partition that is unreachable now, when it answers again).
    /// </summary>
    public async Task<Result<string>> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var application = await db.Applications.SingleOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (application is null)
        {
            return Failure.NotFound($"You have no application named '{name}'.");
        }

        var users = await db.Applications.Where(a => a.LinkedApplicationId == application.Id).OrderBy(a => a.Name)
            .Select(a => a.Name).ToListAsync(cancellationToken);
        if (users.Count > 0)
        {
            return Failure.Conflict("name",
                $"'{name}' is linked to {string.Join(", ", users.Select(u => $"'{u}'"))}: delete {(users.Count == 1 ? "that application" : "those applications")} first.");
        }

        var followers = await db.Applications.Where(a => a.StartAfter.Contains(application.Id)).OrderBy(a => a.Name)
            .Select(a => a.Name).ToListAsync(cancellationToken);
        if (followers.Count > 0)
        {
            return Failure.Conflict("name",
                $"{string.Join(", ", followers.Select(u => $"'{u}'"))} start{(followers.Count == 1 ? "s" : "")} after '{name}': delete {(followers.Count == 1 ? "that application" : "those applications")} first.");
        }

        // One transaction: an application linked to it meanwhile makes the delete fail whole (the link's foreign key).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // What its members ran until now is metered before their rows go (usage outlives the application).
            await Meter.MeterAsync(db, application.Id, clock.GetUtcNow(), cancellationToken);
            await db.Members.Where(m => m.ApplicationId == application.Id).ExecuteDeleteAsync(cancellationToken);
            db.Applications.Remove(application);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Failure.Conflict("name", $"'{name}' was linked to another application meanwhile: delete that application first.");
        }

        await git.RemoveAsync(application.Id, cancellationToken); // its repository cache; releases went with the row

        return name;
    }

    private IQueryable<ApplicationRow> Rows() =>
        from a in db.Applications.AsNoTracking()
        join c in db.Cartridges.AsNoTracking() on a.CartridgeId equals c.Id
        select new ApplicationRow { Application = a, Cartridge = c };

    private async Task<Dictionary<Guid, int>> ActiveCountsAsync(CancellationToken cancellationToken) =>
        await db.Members.Where(m => m.State == MemberState.Active)
            .GroupBy(m => m.ApplicationId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

    private static ApplicationSummary Summarize(Application a, Cartridge c, int active, IReadOnlyDictionary<Guid, string> names) =>
        new(a.Name, c.Name, c.Category, ApplicationStatusRules.Of(a.DesiredMembers, active, a.Problem), a.MinMembers,
            a.MaxMembers, a.DesiredMembers, active,
            a.LinkedApplicationId is { } id ? names.GetValueOrDefault(id) : null, a.CreatedAt);

    private sealed class ApplicationRow
    {
        public required Application Application { get; init; }

        public required Cartridge Cartridge { get; init; }
    }
}

/// <summary>Data applications' credentials, encrypted with ASP.NET Data Protection before they are stored.</summary>
public static class Credentials
{
    private const string Purpose = "Portal.Applications.DatabaseCredentials.v1";

    public static string Protect(IDataProtectionProvider protection, DatabaseCredentials credentials) =>
        protection.CreateProtector(Purpose).Protect(JsonSerializer.Serialize(credentials));

    public static DatabaseCredentials Unprotect(IDataProtectionProvider protection, string protectedCredentials) =>
        JsonSerializer.Deserialize<DatabaseCredentials>(protection.CreateProtector(Purpose).Unprotect(protectedCredentials))
        ?? throw new InvalidOperationException("The stored credentials are empty.");
}
