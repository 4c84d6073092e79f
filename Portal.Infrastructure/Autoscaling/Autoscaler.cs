using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Tenancy;
using Portal.Core.Partitions;
using Portal.Core.Routing;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Observability;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Tenancy;
using Portal.Infrastructure.Routing;

namespace Portal.Infrastructure.Autoscaling;

/// <summary>
/// Every <see cref="AutoscalerOptions.SampleInterval"/>: measures each autoscaled application's Active members (CPU and
/// memory from Docker stats, in parallel; requests in flight from the router) into its <see cref="ApplicationLoad"/>,
/// and evaluates the applications whose policy's interval has come with <see cref="ScalingEvaluator"/>. A scale-up
/// raises the desired members (the reconciler starts them, asked for a pass at once); a scale-down drains the chosen
/// member and lowers the desired count in one save. Decisions are logged (<see cref="ScalingDecision"/>): every action,
/// and a held-back decision when it differs from the last one logged. Windows and cooldowns live in memory: after a
/// restart an application starts with empty windows.
/// </summary>
public sealed partial class Autoscaler(
    IServiceScopeFactory scopes,
    ContainerStats stats,
    PartitionMonitor monitor,
    IApplicationTraffic traffic,
    TopologySignal topology,
    Reconciler reconciler,
    IOptions<AutoscalerOptions> options,
    PlatformMetrics metrics,
    TimeProvider clock,
    ILogger<Autoscaler> logger)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    /// <summary>Stats calls at once: Docker answers each from its once-a-second collection, so they wait side by side.</summary>
    private const int ParallelReadings = 16;

    private static readonly MemberState[] Counted = [MemberState.Created, MemberState.Starting, MemberState.Active];

    private readonly ConcurrentDictionary<Guid, Tracked> tracked = new();

    private DateTimeOffset prunedAt;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var installation = await db.Installations.Select(i => i.Id).FirstOrDefaultAsync(cancellationToken);

        // Read, not tracked: what the autoscaler changes it changes with conditional updates (below), so a tenant's or
        // the reconciler's write in between is never overwritten with what was read here.
        var applications = installation == Guid.Empty
            ? []
            : await db.Applications.IgnoreQueryFilters().AsNoTracking().Where(a => a.AutoscalingPolicyId != null).ToListAsync(cancellationToken);
        foreach (var gone in tracked.Keys.Except(applications.Select(a => a.Id)))
        {
            tracked.TryRemove(gone, out _);
        }

        var now = clock.GetUtcNow();
        if (applications.Count > 0)
        {
            await EvaluateAsync(db, scope.ServiceProvider.GetRequiredService<TenantQuotas>(), installation, applications, cancellationToken);
        }

        if (now - prunedAt >= PruneEvery)
        {
            prunedAt = now;
            await PruneAsync(db, cancellationToken);
        }
    }

    private async Task EvaluateAsync(
        PortalDbContext db, TenantQuotas tenantQuotas, Guid installation, List<Application> applications, CancellationToken cancellationToken)
    {
        var ids = applications.Select(a => a.Id).ToList();
        var policies = await db.AutoscalingPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var members = await db.Members.IgnoreQueryFilters().AsNoTracking()
            .Where(m => ids.Contains(m.ApplicationId) && Counted.Contains(m.State))
            .ToListAsync(cancellationToken);
        var partitions = await db.Partitions.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var cartridges = await db.Cartridges.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.CpuLimit, cancellationToken);
        var memoryLimits = await db.Cartridges.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.MemoryLimitMb, cancellationToken);
        var quotas = new Dictionary<Guid, (TenantQuota Quota, TenantUsage Usage)>(await tenantQuotas.AllLimitedAsync(cancellationToken));
        var deploymentPolicies = await db.DeploymentPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);

        var active = members.Where(m => m.State == MemberState.Active && m.ContainerId is not null).ToList();
        var usage = new ConcurrentDictionary<Guid, ContainerUsage>();
        await Parallel.ForEachAsync(active, new ParallelOptions { MaxDegreeOfParallelism = ParallelReadings, CancellationToken = cancellationToken },
            async (member, token) =>
            {
                if (partitions.TryGetValue(member.PartitionId, out var partition)
                    && await stats.ReadAsync(partition, member.Id, member.ContainerId!, installation, token) is { } reading)
                {
                    usage[member.Id] = reading;
                }
            });

        var now = clock.GetUtcNow();
        var changed = false;
        foreach (var application in applications)
        {
            try
            {
                if (!policies.TryGetValue(application.AutoscalingPolicyId!.Value, out var policy)
                    || !deploymentPolicies.TryGetValue(application.DeploymentPolicyId, out var deployment))
                {
                    continue; // changed meanwhile: the next round sees it as it is
                }

                var state = tracked.GetOrAdd(application.Id, _ => new Tracked(policy.Window));
                state.Follow(policy.Window);
                var mine = active.Where(m => m.ApplicationId == application.Id).ToList();
                Measure(state, application, mine, usage, cartridges.GetValueOrDefault(application.CartridgeId, 1), now);
                if (state.EvaluatedAt is { } last && now - last < policy.EvaluationInterval - options.Value.SampleInterval / 2)
                {
                    continue;
                }

                var memory = memoryLimits.GetValueOrDefault(application.CartridgeId);
                var quota = quotas.TryGetValue(application.TenantId, out var limited) ? limited : ((TenantQuota Quota, TenantUsage Usage)?)null;
                var outcome = ScalingEvaluator.Evaluate(new ScalingInput
                {
                    Now = now,
                    Policy = policy,
                    MinMembers = application.MinMembers,
                    MaxMembers = application.MaxMembers,
                    DesiredMembers = application.DesiredMembers,
                    ActiveMembers = mine.Count,
                    StartingMembers = members.Count(m => m.ApplicationId == application.Id && m.State != MemberState.Active),
                    Capacity = deployment.Partitions.Where(p => monitor.StatusOf(p.PartitionId)?.Reachable != false).Sum(p => p.MaxMembers),
                    Horizon = policy.Horizon ?? await StartupAsync(db, application.Id, policy.Window, cancellationToken),
                    QuotaRoom = quota is { } q ? QuotaRules.Room(q.Quota, q.Usage, memory) : null,
                    Trends = state.Load.Trends(now),
                    Members = [.. mine.Select(m => state.Readings.GetValueOrDefault(m.Id) ?? new MemberReading(m.Id, m.PartitionId, null, null))],
                    Partitions = deployment.Slots(),
                    Algorithm = deployment.Algorithm,
                    RollingOut = application.DeployingReleaseId is not null,
                    State = state.State,
                });
                if (!await ApplyAsync(db, state, application, policy, mine.Count, outcome, now, cancellationToken))
                {
                    LogChangedMeanwhile(application.Name);
                    continue; // the next evaluation decides again on what is there then
                }

                if (quota is { } used && outcome.To != outcome.From)
                {
                    // Later applications of the tenant in this round see the quota as this decision left it.
                    var added = outcome.To - outcome.From;
                    quotas[application.TenantId] = (used.Quota, used.Usage with
                    {
                        Members = used.Usage.Members + added, MemoryMb = used.Usage.MemoryMb + (long)added * memory,
                    });
                }

                state.State = outcome.State;
                state.EvaluatedAt = now;
                changed |= outcome.Action is ScalingAction.ScaleUp or ScalingAction.ScaleDown;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // One application's trouble (deleted meanwhile, a bug) never stops the others' scaling.
                db.ChangeTracker.Clear();
                LogApplicationFailed(e, application.Name);
            }
        }

        if (changed)
        {
            topology.Changed(); // a drained member leaves the router at once
            reconciler.Wake(); // new members start now, not at the next scheduled pass
        }
    }

    /// <summary>One round of readings into the application's windows.</summary>
    private void Measure(Tracked state, Application application, List<Member> mine, ConcurrentDictionary<Guid, ContainerUsage> usage, double cpuLimit, DateTimeOffset now)
    {
        // A member whose reading was missed this round counts as the others' mean; a new member without a figure yet
        // (its first reading gives no CPU: that needs two) counts as idle; no figure at all is no sample.
        var cpu = new List<double>();
        var memory = new List<double>();
        int missedCpu = 0, missedMemory = 0;
        foreach (var member in mine)
        {
            state.Readings.TryGetValue(member.Id, out var known);
            if (!usage.TryGetValue(member.Id, out var current))
            {
                missedCpu += known?.CpuPercent is null ? 0 : 1;
                missedMemory += known?.MemoryPercent is null ? 0 : 1;
                continue;
            }

            var cpuPercent = state.Usage.TryGetValue(member.Id, out var previous) ? MemberLoad.CpuPercent(previous, current, cpuLimit) : null;
            state.Usage[member.Id] = current;
            var reading = new MemberReading(member.Id, member.PartitionId, cpuPercent ?? known?.CpuPercent, MemberLoad.MemoryPercent(current));
            state.Readings[member.Id] = reading;
            if (cpuPercent is { } figure)
            {
                cpu.Add(figure);
            }
            else
            {
                missedCpu += known?.CpuPercent is null ? 0 : 1; // restarted: its counter began again
            }

            if (reading.MemoryPercent is { } used)
            {
                memory.Add(used);
            }
        }

        foreach (var gone in state.Usage.Keys.Union(state.Readings.Keys).Except(mine.Select(m => m.Id)).ToList())
        {
            state.Usage.Remove(gone);
            state.Readings.Remove(gone);
        }

        // Requests in flight as the router counts them at this moment: sampled every round, the window's fit averages them.
        state.Load.Record(now, mine.Count,
            ApplicationLoad.Total(cpu, missedCpu),
            ApplicationLoad.Total(memory, missedMemory),
            traffic.Of(application.Id).InFlight);
    }

    /// <summary>
    /// The time the application's recent members took from being recorded to Active (the prediction horizon), at most
    /// the policy's window: a member that waited for room or for an image tells nothing about starting up.
    /// </summary>
    private static async Task<TimeSpan> StartupAsync(PortalDbContext db, Guid applicationId, TimeSpan window, CancellationToken cancellationToken)
    {
        var recent = await db.Members.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.ApplicationId == applicationId && m.ActiveAt != null)
            .OrderByDescending(m => m.ActiveAt)
            .Take(5)
            .Select(m => new { m.CreatedAt, m.ActiveAt })
            .ToListAsync(cancellationToken);
        var measured = StartupHorizon.Measure(recent.Select(m => m.ActiveAt!.Value - m.CreatedAt));
        return measured < window ? measured : window;
    }

    /// <summary>
    /// Carries the decision out and logs it, in one transaction, only if the application (and the member to drain) are
    /// still as they were read: autoscaled by the same policy, the same desired count, the member Active. False when
    /// something changed meanwhile (nothing is written then).
    /// </summary>
    private async Task<bool> ApplyAsync(
        PortalDbContext db, Tracked state, Application application, AutoscalingPolicy policy, int active, ScalingOutcome outcome,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var acted = outcome.Action is ScalingAction.ScaleUp or ScalingAction.ScaleDown;
        var log = acted || ShouldLog(state, outcome);
        if (!log)
        {
            return true;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (acted)
        {
            var same = db.Applications.IgnoreQueryFilters().Where(a => a.Id == application.Id && a.AutoscalingPolicyId == policy.Id
                                                                        && a.DesiredMembers == application.DesiredMembers);
            if (await same.ExecuteUpdateAsync(a => a.SetProperty(x => x.DesiredMembers, outcome.To), cancellationToken) != 1)
            {
                return false;
            }

            if (outcome.Action == ScalingAction.ScaleDown && outcome.DrainMemberId is { } drain
                && await db.Members.IgnoreQueryFilters().Where(m => m.Id == drain && m.State == MemberState.Active)
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.State, MemberState.Draining).SetProperty(x => x.DrainingAt, now), cancellationToken) != 1)
            {
                return false; // it faulted or went meanwhile: decide again next time
            }

            LogScaled(application.Name, outcome.From, outcome.To, outcome.Reason);
        }

        db.ScalingDecisions.Add(ScalingDecision.Of(outcome, application.TenantId, application.Id, policy, active, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.Decided(outcome.Action.ToString());
        state.LoggedKey = outcome.Key;
        return true;
    }

    /// <summary>A decision that held back or found nothing to do is logged when it differs from the last one logged (a
    /// steady one only after something else was logged).</summary>
    private static bool ShouldLog(Tracked state, ScalingOutcome outcome) =>
        outcome.Key != state.LoggedKey
        && !(outcome.Action == ScalingAction.None
             && (state.LoggedKey is null || state.LoggedKey.StartsWith($"{ScalingAction.None}/", StringComparison.Ordinal)));

    /// <summary>Keeps the newest <see cref="AutoscalerOptions.KeepDecisions"/> decisions of every application that has more.</summary>
    private async Task PruneAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var keep = options.Value.KeepDecisions;
        var crowded = await db.ScalingDecisions.IgnoreQueryFilters()
            .GroupBy(d => d.ApplicationId)
            .Where(g => g.Count() > keep)
            .Select(g => g.Key)
            .ToListAsync(cancellationToken);
        foreach (var id in crowded)
        {
            var oldestKept = await db.ScalingDecisions.IgnoreQueryFilters()
                .Where(d => d.ApplicationId == id)
                .OrderByDescending(d => d.At)
                .Skip(keep - 1)
                .Select(d => d.At)
                .FirstAsync(cancellationToken);
            await db.ScalingDecisions.IgnoreQueryFilters().Where(d => d.ApplicationId == id && d.At < oldestKept).ExecuteDeleteAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Autoscaling {Application}: {From} -> {To} members. {Reason}")]
    private partial void LogScaled(string application, int from, int to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Autoscaling {Application}: it changed meanwhile; deciding again next time.")]
    private partial void LogChangedMeanwhile(string application);

    [LoggerMessage(Level = LogLevel.Error, Message = "Autoscaling {Application} failed; the others go on.")]
    private partial void LogApplicationFailed(Exception exception, string application);


    /// <summary>What the autoscaler keeps of one application between rounds.</summary>
    private sealed class Tracked(TimeSpan window)
    {
        public ApplicationLoad Load { get; private set; } = new(window);

        /// <summary>A policy's new window starts the windows afresh; cooldowns and counts stay.</summary>
        public void Follow(TimeSpan window)
        {
            if (Load.Window != window)
            {
                Load = new ApplicationLoad(window);
            }
        }

        public ScalingState State { get; set; } = ScalingState.Initial;

        public DateTimeOffset? EvaluatedAt { get; set; }

        public string? LoggedKey { get; set; }

        public Dictionary<Guid, ContainerUsage> Usage { get; } = [];

        public Dictionary<Guid, MemberReading> Readings { get; } = [];

    }
}
