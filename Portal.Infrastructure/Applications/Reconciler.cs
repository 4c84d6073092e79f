using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Partitions;
using Portal.Core.Releases;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Observability;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Routing;

namespace Portal.Infrastructure.Applications;

/// <summary>
/// One reconciliation pass over every application of every tenant (flow 2 of the design): observe each partition's
/// containers by label, plan with <see cref="ReconciliationPlanner"/>, carry the plan out, then move members on by
/// their health checks. Everything it knows lives in the database and in container labels, so a restarted portal
/// carries on where it stopped. It runs for no tenant, so it reads across tenants explicitly.
/// </summary>
public sealed partial class Reconciler(
    IServiceScopeFactory scopes,
    DockerEngines engines,
    PartitionMonitor monitor,
    TopologySignal topology,
    IDataProtectionProvider protection,
    IOptions<ReconcilerOptions> options,
    PlatformMetrics metrics,
    TimeProvider clock,
    ILogger<Reconciler> logger) : IDisposable
{
    private static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest any one Docker call of a pass may take (a stop waits its grace on top).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    /// <summary>Failed health checks in a row per Active member, counted at most once per interval (passes come faster during rollouts).</summary>
    private readonly ConcurrentDictionary<Guid, (int Count, DateTimeOffset Last)> failedChecks = new();

    /// <summary>One pass at a time, whether scheduled or asked for.</summary>
    private readonly SemaphoreSlim passing = new(1, 1);

    /// <summary>Cancels woken passes when the reconciler is disposed (the portal stops).</summary>
    private readonly CancellationTokenSource stopping = new();

    /// <summary>1 when <see cref="Wake"/> asked for a pass that has not started yet.</summary>
    private int woken;

    public Task RunOnceAsync(CancellationToken cancellationToken) => GuardedPassAsync(wait: true, cancellationToken);

    /// <summary>
    /// A pass now, between the scheduled ones (a rollout wants its members checked and switched without waiting for
    /// the interval); nothing when the reconciler is off or a pass is running already.
    /// </summary>
    public Task RunNowAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? GuardedPassAsync(wait: false, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Asks for a pass soon without waiting for it: at once when none runs, else right after the running one (a member
    /// asked for while a pass runs starts then, not at the next scheduled pass). Nothing when the reconciler is off.
    /// </summary>
    public void Wake()
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        Interlocked.Exchange(ref woken, 1);
        _ = Task.Run(async () =>
        {
            try
            {
                // Whoever holds the pass when woken runs another one after it (see GuardedPassAsync).
                await GuardedPassAsync(wait: false, stopping.Token);
            }
            catch (Exception e)
            {
                if (!stopping.IsCancellationRequested)
                {
                    LogWakeFailed(e);
                }
            }
        });
    }

    private async Task GuardedPassAsync(bool wait, CancellationToken cancellationToken)
    {
        if (wait)
        {
            await passing.WaitAsync(cancellationToken);
        }
        else if (!await passing.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            do
            {
                Interlocked.Exchange(ref woken, 0);
                await PassAsync(cancellationToken);
            }
            while (Volatile.Read(ref woken) == 1); // woken during the pass: what it asked for may have come too late for it
        }
        finally
        {
            passing.Release();
        }
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var installation = await db.Installations.Select(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        if (installation == Guid.Empty)
        {
            return; // the database is not initialized yet
        }

        var partitions = await db.Partitions.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var observations = ExcludeDuplicateEngines(await Task.WhenAll(partitions.Values.Select(p => ObserveAsync(p, installation, cancellationToken))));

        // Applications first: the cartridges and policies they name are loaded after them, so all are there.
        var applications = await db.Applications.IgnoreQueryFilters().ToListAsync(cancellationToken);
        var members = await db.Members.IgnoreQueryFilters()
            .Where(m => m.State != MemberState.Terminated && m.State != MemberState.Faulted)
            .ToListAsync(cancellationToken);
        var since = clock.GetUtcNow() - RestartBackoff.Window;
        var faults = await db.Members.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.State == MemberState.Faulted && m.FaultedAt > since)
            .Select(m => new RecentFault(m.ApplicationId, m.FaultedAt!.Value, m.FaultReason, m.ReleaseId, m.Revision))
            .ToListAsync(cancellationToken);

        // The releases members run or roll out to, and those finishing their rollout (tracked: the pass moves them on).
        var targets = applications.SelectMany(a => new[] { a.ReleaseId, a.DeployingReleaseId }).OfType<Guid>().ToList();
        var releases = await db.Releases.IgnoreQueryFilters()
            .Where(r => targets.Contains(r.Id) || r.State == ReleaseState.Draining)
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        var pass = new Pass(
            db,
            scope.ServiceProvider.GetRequiredService<MemberHealthProbe>(),
            partitions,
            observations.Where(o => o.Answered).ToDictionary(o => o.Partition.Id),
            await db.Cartridges.AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken),
            await db.DeploymentPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken),
            applications,
            members,
            faults.ToLookup(f => f.ApplicationId),
            releases);

        var started = clock.GetTimestamp();
        await RemoveOrphansAsync(pass, cancellationToken);
        foreach (var application in pass.Applications)
        {
            try
            {
                await ReconcileAsync(pass, application, cancellationToken);
                if (await db.SaveChangesAsync(cancellationToken) > 0)
                {
                    topology.Changed(); // members came, went or moved: the router follows at once
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever went wrong with this application (deleted meanwhile, an engine that stopped answering
                // halfway, a bug), the others still get their turn; its unsaved changes are dropped and the next
                // pass starts again from what the database and the engines say.
                Forget(db, application);
                if (e is DbUpdateException)
                {
                    LogChangedMeanwhile(application.Name);
                }
                else
                {
                    LogApplicationFailed(e, application.Name);
                }
            }
        }

        metrics.Passed(members.Select(m => m.State), applications.Count, clock.GetElapsedTime(started));
    }

    public void Dispose()
    {
        stopping.Cancel();
        passing.Dispose();
        stopping.Dispose();
    }

    private static void Forget(PortalDbContext db, Application application)
    {
        foreach (var entry in db.ChangeTracker.Entries()
                     .Where(e => e.Entity == application
                                 || e.Entity is Member m && m.ApplicationId == application.Id
                                 || e.Entity is Release r && r.ApplicationId == application.Id)
                     .ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    private async Task ReconcileAsync(Pass pass, Application application, CancellationToken cancellationToken)
    {
        var cartridge = pass.Cartridges[application.CartridgeId];
        var policy = pass.Policies[application.DeploymentPolicyId];

        // An application whose data lives on a volume runs only where its volume is.
        var slots = application.DataPartitionId is { } home ? [new PartitionSlot(home, 1)] : policy.Slots();
        var members = pass.Members.Where(m => m.ApplicationId == application.Id).ToList();
        var containers = pass.Observed.Values
            .SelectMany(o => o.Containers.Where(c => c.ClusterId == application.ClusterId).Select(c => (o.Partition.Id, Container: c)))
            .ToList();
        var now = clock.GetUtcNow();
        string? problem = null;

        // A member recorded on a partition deleted meanwhile (a pass that read the policy before) is never seen again.
        foreach (var member in members.Where(m => m.State != MemberState.Faulted && !pass.Partitions.ContainsKey(m.PartitionId)))
        {
            Fault(application, member, "Its partition was deleted.", now);
        }

        foreach (var member in members)
        {
            var container = containers.FirstOrDefault(c => c.Container.MemberId == member.Id && c.Id == member.PartitionId && c.Container.Running).Container;
            if (member.State == MemberState.Created && container is not null)
            {
                member.Started(container.ContainerId, container.PublishedPort, now); // started by a pass that did not finish
            }
            else if (member.State == MemberState.Created && pass.Observed.ContainsKey(member.PartitionId)
                     && now - member.CreatedAt > options.Value.CreatedTimeout)
            {
                Fault(application, member, "Its container was never started.", now);
            }
            else if (container is not null && MemberLifecycle.IsLive(member.State))
            {
                member.HostPort = container.PublishedPort; // a restarted container gets a new port
            }
        }

        var snapshot = new ClusterSnapshot
        {
            ClusterId = application.ClusterId,
            DesiredMembers = application.DesiredMembers,
            Members = [.. members.Where(m => m.State != MemberState.Faulted).Select(m => new KnownMember(m.Id, m.State, m.PartitionId, m.CreatedAt, m.ReleaseId, m.Revision))],
            Containers = containers,
            Partitions = slots,
            Answered = pass.Observed.Keys.ToHashSet(),
            Algorithm = policy.Algorithm,
            Release = application.TargetReleaseId,
            Revision = application.Revision,
        };

        // Faults of another release's members say nothing about this one's (a deploy is how a crash loop gets fixed).
        var faults = pass.Faults[application.Id].Where(f => f.ReleaseId == application.TargetReleaseId && f.Revision == application.Revision).ToList();
        var backoff = RestartBackoff.NextStart([.. faults.Select(f => f.At)]);
        var backingOff = backoff > now;
        if (backingOff)
        {
            var last = faults.MaxBy(f => f.At)!;
            problem = $"Its members keep failing ({faults.Count} in the last {RestartBackoff.Window.TotalMinutes:0} minutes; the last: {last.Reason}) "
                      + $"The next one starts at {backoff:HH:mm:ss} UTC.";
        }

        var starts = new List<Guid>();
        foreach (var action in ReconciliationPlanner.Plan(snapshot))
        {
            switch (action)
            {
                case FaultMember fault:
                    var faulted = members.Single(m => m.Id == fault.MemberId);
                    Fault(application, faulted, fault.Reason == ReconciliationPlanner.ContainerStopped
                        ? await StoppedBecauseAsync(pass, faulted, cancellationToken)
                        : fault.Reason, now);
                    break;
                case RemoveContainer remove:
                    using (var call = Bounded(CallTimeout, cancellationToken))
                    {
                        await pass.Runtime(remove.PartitionId).RemoveAsync(remove.ContainerId, TimeSpan.Zero, call.Token);
                    }

                    break;
                case StartMember start:
                    starts.Add(start.PartitionId);
                    break;
                case DrainMember drain:
                    members.Single(m => m.Id == drain.MemberId).MoveTo(MemberState.Draining, now);
                    LogMember(application.Name, drain.MemberId, MemberState.Draining);
                    break;
                case TerminateMember terminate:
                    await TerminateAsync(pass, application, members.Single(m => m.Id == terminate.MemberId), cancellationToken);
                    break;
                case CannotPlace when application.DataPartitionId is { } dataHome:
                    problem ??= $"It waits for partition '{pass.Partitions[dataHome].Name}', where its data lives, to answer.";
                    break;
                case CannotPlace cannot:
                    problem ??= pass.Observed.Count < pass.Partitions.Count
                        ? $"{cannot.Missing} member(s) cannot be placed: the partitions of policy '{policy.Name}' that answer are full, the others do not answer."
                        : $"{cannot.Missing} member(s) cannot be placed: every partition of policy '{policy.Name}' is full.";
                    break;
            }
        }

        if (starts.Count > 0 && WaitingFor(pass, application) is { Count: > 0 } predecessors)
        {
            // A startup order (a cartridge group's): none of its members start before the ones it starts after run.
            starts.Clear();
            problem ??= $"It starts after {string.Join(", ", predecessors)}, which {(predecessors.Count == 1 ? "has" : "have")} no Active member yet.";
        }

        if (starts.Count > 0 && !backingOff)
        {
            // The placeable members start even when others cannot be placed (that problem stays reported).
            problem = await StartAsync(pass, application, cartridge, starts, members, cancellationToken) ?? problem;
        }

        await CheckHealthAsync(pass, application, cartridge, members, cancellationToken);
        foreach (var member in members.Where(m => m.State == MemberState.Draining && m.DrainingAt + options.Value.DrainPeriod <= now))
        {
            await TerminateAsync(pass, application, member, cancellationToken);
        }

        application.ReportProblem(problem, now);
        await AdvanceReleasesAsync(pass, application, members, cancellationToken);
    }

    /// <summary>The applications <paramref name="application"/> starts after that have no Active member, by name.</summary>
    private static List<string> WaitingFor(Pass pass, Application application) =>
        [.. pass.Applications.Where(a => application.StartAfter.Contains(a.Id)
                                          && !pass.Members.Any(m => m.ApplicationId == a.Id && m.State == MemberState.Active))
            .Select(a => a.Name).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Moves the application's rollout on: its members started (health), all of them Active (switch: the old ones
    /// leave the router in this same pass and drain), the old ones gone (succeeded). A member of the release that
    /// faults fails the release with its container's last lines; the serving members never stopped serving.
    /// </summary>
    private async Task AdvanceReleasesAsync(Pass pass, Application application, List<Member> members, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (application.DeployingReleaseId is { } id && pass.Releases.TryGetValue(id, out var release) && !release.IsFinished)
        {
            var mine = members.Where(m => m.ReleaseId == id).ToList();
            if (mine.FirstOrDefault(m => m.State == MemberState.Faulted) is { } faulted)
            {
                var log = await LastLinesAsync(pass, faulted, cancellationToken);
                release.Fail($"Member {Member.ShortId(faulted.Id)} of release #{release.Number} failed: {faulted.FaultReason} The serving release kept serving.", now, log);
                application.DeployingReleaseId = null; // its other members are outdated now: the next plan removes them
                LogRelease(application.Name, release.Number, release.State);
            }
            else
            {
                if (release.State == ReleaseState.Starting
                    && mine.Count(m => m.State is MemberState.Starting or MemberState.Active) >= application.DesiredMembers)
                {
                    release.Begin(Release.Health, now);
                }

                if (release.State == ReleaseState.Checking && mine.Count(m => m.State == MemberState.Active) >= application.DesiredMembers)
                {
                    release.Begin(Release.Switch, now);
                    application.ReleaseId = id;
                    application.DeployingReleaseId = null;
                    foreach (var old in members.Where(m => m.ReleaseId != id && m.State == MemberState.Active))
                    {
                        old.MoveTo(MemberState.Draining, now); // out of the router with this pass's save, in the same update as the new ones
                        LogMember(application.Name, old.Id, MemberState.Draining);
                    }

                    release.Begin(Release.Drain, now);
                    LogRelease(application.Name, release.Number, release.State);
                }
                else if (now - release.Steps[^1].StartedAt > options.Value.StartTimeout + options.Value.CreatedTimeout)
                {
                    release.Fail($"Its members did not all become healthy within {(options.Value.StartTimeout + options.Value.CreatedTimeout).TotalSeconds:0} s"
                                 + (application.Problem is { } problem ? ": " + problem : "."), now);
                    application.DeployingReleaseId = null;
                    LogRelease(application.Name, release.Number, release.State);
                }
            }
        }

        foreach (var draining in pass.Releases.Values.Where(r => r.ApplicationId == application.Id && r.State == ReleaseState.Draining))
        {
            if (!members.Any(m => m.ReleaseId != draining.Id && (MemberLifecycle.IsLive(m.State) || m.State == MemberState.Created)))
            {
                draining.Succeed(now);
                LogRelease(application.Name, draining.Number, draining.State);
            }
        }
    }

    private async Task<IReadOnlyList<string>> LastLinesAsync(Pass pass, Member member, CancellationToken cancellationToken)
    {
        if (member.ContainerId is not { } container || !pass.Observed.ContainsKey(member.PartitionId))
        {
            return [];
        }

        try
        {
            using var call = Bounded(CallTimeout, cancellationToken);
            return await pass.Runtime(member.PartitionId).LogsAsync(container, 20, call.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && PartitionCatalogue.IsUnreachable(e))
        {
            return [];
        }
    }

    /// <summary>
    /// Records the new members, then starts their containers: at once, except that the first on a partition where the
    /// application runs nothing yet goes alone (it may create the tenant's network there, which two at once would
    /// both do). Returns what stops members from starting, if anything.
    /// </summary>
    private async Task<string?> StartAsync(
        Pass pass, Application application, Cartridge cartridge, IReadOnlyList<Guid> partitionIds, List<Member> members, CancellationToken cancellationToken)
    {
        var release = application.TargetReleaseId is { } releaseId ? pass.Releases.GetValueOrDefault(releaseId) : null;
        var image = release?.Image ?? cartridge.Image;
        var running = members.Where(m => m.ContainerId is not null && MemberLifecycle.IsLive(m.State)).Select(m => m.PartitionId).ToHashSet();
        var launches = new List<Launch>();
        string? problem = null;
        foreach (var partitionId in partitionIds)
        {
            var partition = pass.Partitions[partitionId];
            bool hasImage;
            using (var call = Bounded(CallTimeout, cancellationToken))
            {
                hasImage = await pass.HasImageAsync(engines, partition, image, call.Token);
            }

            if (!hasImage)
            {
                problem = release is not null
                    ? $"The image of release #{release.Number} is not on partition '{partition.Name}': deploy the release again."
                    : $"The image {cartridge.Image} is not on partition '{partition.Name}': "
                      + (cartridge.BuiltIn ? "build it in Admin › Cartridges." : "load or pull it on that engine.");
                break;
            }

            var member = new Member
            {
                TenantId = application.TenantId,
                ApplicationId = application.Id,
                PartitionId = partitionId,
                ReleaseId = release?.Id,
                Revision = application.Revision,
                CreatedAt = clock.GetUtcNow(),
            };
            pass.Db.Members.Add(member);
            members.Add(member);
            if (cartridge.PersistencePath is not null)
            {
                application.DataPartitionId ??= partitionId; // its volume is made there: it stays there
            }

            launches.Add(new Launch(member, partition, new MemberSpec
            {
                TenantId = application.TenantId,
                ApplicationId = application.Id,
                ClusterId = application.ClusterId,
                MemberId = member.Id,
                Image = image,
                ContainerPort = cartridge.ContainerPort,
                Environment = Environment(pass, application, cartridge, member),
                CpuLimit = cartridge.CpuLimit,
                MemoryLimitMb = cartridge.MemoryLimitMb,
                NetworkAlias = application.Name,
                PersistencePath = cartridge.PersistencePath,
                Files = string.IsNullOrWhiteSpace(application.Schema)
                    ? new Dictionary<string, string>()
                    : new Dictionary<string, string> { [ApplicationRules.SchemaPath] = application.Schema },
            }));
        }

        if (launches.Count == 0)
        {
            return problem;
        }

        await pass.Db.SaveChangesAsync(cancellationToken); // known before their containers exist: a crash now leaves no stranger

        var first = launches.GroupBy(l => l.Partition.Id).Where(g => !running.Contains(g.Key)).Select(g => g.First()).ToList();
        var failures = (await Task.WhenAll(first.Select(l => LaunchAsync(pass, application, l, cancellationToken))))
            .Concat(await Task.WhenAll(launches.Except(first).Select(l => LaunchAsync(pass, application, l, cancellationToken))));
        return problem ?? failures.FirstOrDefault(f => f is not null);
    }

    /// <summary>Starts one recorded member's container; returns why it could not start, if it could not.</summary>
    private async Task<string?> LaunchAsync(Pass pass, Application application, Launch launch, CancellationToken cancellationToken)
    {
        var (member, partition, spec) = launch;
        try
        {
            using var call = Bounded(CallTimeout, cancellationToken);
            var container = await pass.Runtime(partition.Id).StartAsync(spec, call.Token);
            member.Started(container.ContainerId, container.PublishedPort, clock.GetUtcNow());
            LogMember(application.Name, member.Id, MemberState.Starting);
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && PartitionCatalogue.IsUnreachable(e))
        {
            // The engine's words (addresses, paths) go to the log for operators; the tenant reads a sentence.
            LogStartFailed(application.Name, member.Id, partition.Name, e.GetBaseException().Message);
            var reason = $"Its container could not be started on partition '{partition.Name}' (the portal's log has the engine's answer).";
            Fault(application, member, reason, clock.GetUtcNow());
            return reason;
        }
    }

    /// <summary>The cartridge's variables, the member's identity, and the data credentials it serves or links to.</summary>
    private Dictionary<string, string> Environment(Pass pass, Application application, Cartridge cartridge, Member member)
    {
        var environment = new Dictionary<string, string>(cartridge.Environment, StringComparer.Ordinal)
        {
            ["PORTAL_APPLICATION"] = application.Name,
            ["PORTAL_MEMBER_ID"] = member.Id.ToString(),
        };
        if (application.ProtectedCredentials is { } own)
        {
            foreach (var (name, value) in Credentials.Unprotect(protection, own).ServerEnvironment())
            {
                environment[name] = value;
            }
        }

        if (application.LinkedApplicationId is { } linkedId
            && pass.Applications.SingleOrDefault(a => a.Id == linkedId) is { ProtectedCredentials: { } linked } data)
        {
            var port = pass.Cartridges[data.CartridgeId].ContainerPort;
            foreach (var (name, value) in Credentials.Unprotect(protection, linked).LinkEnvironment(data.Name, port))
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary>Starting members become Active when healthy (or Faulted when they never do); Active ones fault after repeated failures.</summary>
    private async Task CheckHealthAsync(Pass pass, Application application, Cartridge cartridge, List<Member> members, CancellationToken cancellationToken)
    {
        var checkable = members.Where(m => m.State is MemberState.Starting or MemberState.Active && m.HostPort is not null).ToList();
        var results = await Task.WhenAll(checkable.Select(m =>
            pass.Probe.IsHealthyAsync(cartridge.HealthCheck, cartridge.HealthCheckPath, m.HostPort!.Value, cancellationToken)));
        var now = clock.GetUtcNow();
        foreach (var (member, healthy) in checkable.Zip(results))
        {
            if (healthy)
            {
                failedChecks.TryRemove(member.Id, out _);
                if (member.State == MemberState.Starting)
                {
                    member.MoveTo(MemberState.Active, now);
                    LogMember(application.Name, member.Id, MemberState.Active);
                }
            }
            else if (member.State == MemberState.Starting && now - member.StartedAt > options.Value.StartTimeout)
            {
                Fault(application, member, $"It did not pass its health check within {options.Value.StartTimeout.TotalSeconds:0} s.", now);
            }
            else if (member.State == MemberState.Active
                     && failedChecks.AddOrUpdate(member.Id, (1, now), (_, failed) => now - failed.Last >= options.Value.Interval * 0.8 ? (failed.Count + 1, now) : failed).Count
                        >= options.Value.UnhealthyThreshold)
            {
                Fault(application, member, $"It failed {options.Value.UnhealthyThreshold} health checks in a row.", now);
            }
        }
    }

    private async Task TerminateAsync(Pass pass, Application application, Member member, CancellationToken cancellationToken)
    {
        if (member.ContainerId is { } container && pass.Observed.ContainsKey(member.PartitionId))
        {
            using var call = Bounded(options.Value.StopGrace + CallTimeout, cancellationToken);
            await pass.Runtime(member.PartitionId).RemoveAsync(container, options.Value.StopGrace, call.Token);
        }

        member.MoveTo(MemberState.Terminated, clock.GetUtcNow());
        failedChecks.TryRemove(member.Id, out _);
        LogMember(application.Name, member.Id, MemberState.Terminated);
    }

    /// <summary>
    /// "Its container stopped", with the container's last line of output when it said anything (a crashing server's
    /// or a failing schema's error, which the tenant then reads on the application's page without opening the logs).
    /// </summary>
    private async Task<string> StoppedBecauseAsync(Pass pass, Member member, CancellationToken cancellationToken)
    {
        if (member.ContainerId is not { } containerId)
        {
            return ReconciliationPlanner.ContainerStopped;
        }

        try
        {
            using var call = Bounded(CallTimeout, cancellationToken);
            var lines = await pass.Runtime(member.PartitionId).LogsAsync(containerId, 5, call.Token);
            return lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l)) is { } last
                ? $"Its container stopped. Its last output: {Shown(last, Secrets(pass, member))}"
                : ReconciliationPlanner.ContainerStopped;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            return ReconciliationPlanner.ContainerStopped; // the output is a courtesy: never what stops a pass
        }
    }

    /// <summary>
    /// The values a member's output must not carry into a fault reason (shown to the tenant, platform admins and the
    /// portal's log): the passwords and URLs of the environment it was started with, its own and its database's.
    /// </summary>
    private IReadOnlyList<string> Secrets(Pass pass, Member member)
    {
        var application = pass.Applications.Single(a => a.Id == member.ApplicationId);
        return
        [
            .. Environment(pass, application, pass.Cartridges[application.CartridgeId], member)
                .Where(v => v.Key.Contains("PASSWORD", StringComparison.Ordinal) || v.Key.EndsWith("_URL", StringComparison.Ordinal))
                .Select(v => v.Value)
                .Where(v => v.Length >= 8),
        ];
    }

    /// <summary>A line of a member's output as a reason shows it: without control characters and with its secrets masked.</summary>
    private static string Shown(string line, IReadOnlyList<string> secrets)
    {
        var text = new string([.. line.Trim().Select(c => char.IsControl(c) ? ' ' : c)]);
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private void Fault(Application application, Member member, string reason, DateTimeOffset now)
    {
        member.MoveTo(MemberState.Faulted, now, reason);
        metrics.Faulted();
        failedChecks.TryRemove(member.Id, out _);
        LogFaulted(application.Name, member.Id, reason);
    }

    /// <summary>Containers and volumes of this installation that no application owns (deleted applications, crashes).</summary>
    private async Task RemoveOrphansAsync(Pass pass, CancellationToken cancellationToken)
    {
        var clusters = pass.Applications.Select(a => a.ClusterId).ToHashSet();
        var applications = pass.Applications.Select(a => a.Id).ToHashSet();
        foreach (var observation in pass.Observed.Values)
        {
            try
            {
                using var call = Bounded(CallTimeout, cancellationToken);
                await RemoveOrphansAsync(pass, observation, clusters, applications, call.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && PartitionCatalogue.IsUnreachable(e))
            {
                LogCleanupFailed(observation.Partition.Name, e.GetBaseException().Message);
            }
        }
    }

    private async Task RemoveOrphansAsync(Pass pass, Observation observation, HashSet<Guid> clusters, HashSet<Guid> applications, CancellationToken cancellationToken)
    {
        var runtime = pass.Runtime(observation.Partition.Id);
        foreach (var container in observation.Containers.Where(c => !clusters.Contains(c.ClusterId)))
        {
            LogOrphan(container.ContainerId, observation.Partition.Name);
            await runtime.RemoveAsync(container.ContainerId, TimeSpan.Zero, cancellationToken);
        }

        foreach (var volume in observation.Volumes.Where(v => !applications.Contains(v.ApplicationId)))
        {
            if (await runtime.RemoveVolumeAsync(volume.Name, cancellationToken))
            {
                LogOrphan(volume.Name, observation.Partition.Name);
            }
        }

        // A tenant's network goes with its last container (this pass starts new ones only after this).
        var tenantsInUse = observation.Containers.Where(c => clusters.Contains(c.ClusterId)).Select(c => c.TenantId)
            .Concat(pass.Applications.Where(a => a.DesiredMembers > 0).Select(a => a.TenantId))
            .ToHashSet();
        await runtime.RemoveUnusedNetworksAsync(tenantsInUse, cancellationToken);
    }

    /// <summary>
    /// One engine reached through two partitions (two endpoints of one dockerd) would make each partition see the
    /// other's members as strangers and remove them: only the oldest of them is used, the others report why not.
    /// </summary>
    private Observation[] ExcludeDuplicateEngines(Observation[] observations)
    {
        var engines = new Dictionary<string, Partition>(StringComparer.Ordinal);
        return
        [
            .. observations.OrderBy(o => o.Partition.CreatedAt).Select(o =>
            {
                if (!o.Answered || o.EngineId is null || engines.TryAdd(o.EngineId, o.Partition))
                {
                    return o;
                }

                var first = engines[o.EngineId].Name;
                monitor.Report(o.Partition.Id, new PartitionStatus(false,
                    $"{o.Partition.Endpoint} is the same Docker engine as partition '{first}'; only '{first}' is used.", clock.GetUtcNow()));
                return o with { Answered = false, Containers = [], Volumes = [] };
            }),
        ];
    }

    private async Task<Observation> ObserveAsync(Partition partition, Guid installation, CancellationToken cancellationToken)
    {
        using var timeout = Bounded(EngineTimeout, cancellationToken);
        var before = monitor.StatusOf(partition.Id);
        DockerContainerRuntime? runtime = null;
        try
        {
            // Inside the try: a partition whose certificates cannot be read is unreachable, not a failed pass.
            runtime = new DockerContainerRuntime(engines.For(partition.Endpoint, partition.TlsCertificateDirectory), installation);
            var engine = await runtime.EngineIdentityAsync(timeout.Token);
            var containers = await runtime.ListAsync(timeout.Token);
            var volumes = await runtime.ListVolumesAsync(timeout.Token);
            monitor.Report(partition.Id, new PartitionStatus(true, null, clock.GetUtcNow()));
            return new Observation(partition, runtime, true, containers, volumes, engine);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && PartitionCatalogue.IsUnreachable(e))
        {
            var status = new PartitionStatus(false, PartitionCatalogue.Unreachable(partition, e), clock.GetUtcNow());
            monitor.Report(partition.Id, status);
            if (before is null || before.Reachable)
            {
                LogUnreachable(partition.Name, status.Reason!);
            }

            return new Observation(partition, runtime, false, [], [], null);
        }
    }

    private static CancellationTokenSource Bounded(TimeSpan limit, CancellationToken cancellationToken)
    {
        var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(limit);
        return call;
    }

    private sealed record Launch(Member Member, Partition Partition, MemberSpec Spec);

    private sealed record RecentFault(Guid ApplicationId, DateTimeOffset At, string? Reason, Guid? ReleaseId, int Revision);

    private sealed record Observation(
        Partition Partition,
        IContainerRuntime? Runtime,
        bool Answered,
        IReadOnlyList<ObservedContainer> Containers,
        IReadOnlyList<ObservedVolume> Volumes,
        string? EngineId);

    /// <summary>What one pass knows.</summary>
    private sealed record Pass(
        PortalDbContext Db,
        MemberHealthProbe Probe,
        Dictionary<Guid, Partition> Partitions,
        Dictionary<Guid, Observation> Observed,
        Dictionary<Guid, Cartridge> Cartridges,
        Dictionary<Guid, DeploymentPolicy> Policies,
        List<Application> Applications,
        List<Member> Members,
        ILookup<Guid, RecentFault> Faults,
        Dictionary<Guid, Release> Releases)
    {
        private readonly Dictionary<(Guid, string), bool> images = [];

        public IContainerRuntime Runtime(Guid partitionId) => Observed[partitionId].Runtime!;

        public async Task<bool> HasImageAsync(DockerEngines engines, Partition partition, string image, CancellationToken cancellationToken)
        {
            if (!images.TryGetValue((partition.Id, image), out var present))
            {
                present = await engines.For(partition.Endpoint, partition.TlsCertificateDirectory).ImageLabelsAsync(image, cancellationToken) is not null;
                images[(partition.Id, image)] = present;
            }

            return present;
        }
    }

    [LoggerMessage(LogLevel.Error, "A pass asked for between the scheduled ones failed; the next scheduled one tries again.")]
    private partial void LogWakeFailed(Exception exception);

    [LoggerMessage(LogLevel.Information, "Member {MemberId} of application {Application} is {State}")]
    private partial void LogMember(string application, Guid memberId, MemberState state);

    [LoggerMessage(LogLevel.Information, "Release #{Number} of application {Application} is {State}")]
    private partial void LogRelease(string application, int number, ReleaseState state);

    [LoggerMessage(LogLevel.Warning, "Member {MemberId} of application {Application} faulted: {Reason}")]
    private partial void LogFaulted(string application, Guid memberId, string reason);

    [LoggerMessage(LogLevel.Information, "Removed {Resource}, which no application owns, from partition {Partition}")]
    private partial void LogOrphan(string resource, string partition);

    [LoggerMessage(LogLevel.Warning, "Partition {Partition} is unreachable: {Reason}")]
    private partial void LogUnreachable(string partition, string reason);

    [LoggerMessage(LogLevel.Warning, "Reconciling application {Application} failed; the next pass tries again")]
    private partial void LogApplicationFailed(Exception exception, string application);

    [LoggerMessage(LogLevel.Warning, "Starting member {MemberId} of application {Application} on partition {Partition} failed: {Reason}")]
    private partial void LogStartFailed(string application, Guid memberId, string partition, string reason);

    [LoggerMessage(LogLevel.Warning, "Removing what no application owns from partition {Partition} failed: {Reason}")]
    private partial void LogCleanupFailed(string partition, string reason);

    [LoggerMessage(LogLevel.Information, "Application {Application} changed while being reconciled; the next pass takes it up")]
    private partial void LogChangedMeanwhile(string application);
}
