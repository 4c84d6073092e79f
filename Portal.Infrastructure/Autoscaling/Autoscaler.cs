using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Partitions;
using Portal.Core.Routing;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;
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
    DockerEngines engines,
    PartitionMonitor monitor,
    IApplicationTraffic traffic,
    TopologySignal topology,
    Reconciler reconciler,
    IOptions<AutoscalerOptions> options,
    TimeProvider clock,
    ILogger<Autoscaler> logger)
{
    /// <summary>Docker answers a stats call from its next once-a-second collection: a few seconds is plenty.</summary>
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private static readonly MemberState[] Counted = [MemberState.Created, MemberState.Starting, MemberState.Active];

    private readonly ConcurrentDictionary<Guid, Tracked> tracked = new();

    private DateTimeOffset prunedAt;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var installation = await db.Installations.Select(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        var applications = installation == Guid.Empty
            ? []
            : await db.Applications.IgnoreQueryFilters().Where(a => a.AutoscalingPolicyId != null).ToListAsync(cancellationToken);
        foreach (var gone in tracked.Keys.Except(applications.Select(a => a.Id)))
        {
            tracked.TryRemove(gone, out _);
        }

        if (applications.Count == 0)
        {
            return;
        }

        var ids = applications.Select(a => a.Id).ToList();
        var policies = await db.AutoscalingPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var members = await db.Members.IgnoreQueryFilters()
            .Where(m => ids.Contains(m.ApplicationId) && Counted.Contains(m.State))
            .ToListAsync(cancellationToken);
        var partitions = await db.Partitions.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var cartridges = await db.Cartridges.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.CpuLimit, cancellationToken);
        var deploymentPolicies = await db.DeploymentPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);

        var active = members.Where(m => m.State == MemberState.Active && m.ContainerId is not null).ToList();
        var readings = await Task.WhenAll(active.Select(m => ReadAsync(m, partitions, installation, cancellationToken)));
        var usage = active.Zip(readings).Where(r => r.Second is not null).ToDictionary(r => r.First.Id, r => r.Second!);

        var now = clock.GetUtcNow();
        var changed = false;
        foreach (var application in applications)
        {
            var policy = policies[application.AutoscalingPolicyId!.Value];
            var state = tracked.AddOrUpdate(application.Id, _ => new Tracked(policy.Window),
                (_, t) => t.Load.Window == policy.Window ? t : new Tracked(policy.Window));
            var mine = active.Where(m => m.ApplicationId == application.Id).ToList();
            Measure(state, application, mine, usage, cartridges[application.CartridgeId], now);

            if (state.EvaluatedAt is { } last && now - last < policy.EvaluationInterval - options.Value.SampleInterval / 2)
            {
                continue;
            }

            var deployment = deploymentPolicies[application.DeploymentPolicyId];
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
                Horizon = policy.Horizon ?? await StartupAsync(db, application.Id, cancellationToken),
                Trends = state.Load.Trends(now),
                Members = [.. mine.Select(m => state.Readings.GetValueOrDefault(m.Id) ?? new MemberReading(m.Id, m.PartitionId, null, null))],
                Partitions = deployment.Slots(),
                Algorithm = deployment.Algorithm,
                RollingOut = application.DeployingReleaseId is not null,
                State = state.State,
            });
            state.State = outcome.State;
            state.EvaluatedAt = now;
            changed |= Apply(application, members, outcome, now);
            Log(db, state, application, policy, mine.Count, outcome, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (changed)
        {
            topology.Changed(); // a drained member leaves the router at once
            await reconciler.RunNowAsync(cancellationToken); // new members start now, not at the next scheduled pass
        }

        if (now - prunedAt >= PruneEvery)
        {
            prunedAt = now;
            await PruneAsync(db, ids, cancellationToken);
        }
    }

    /// <summary>One round of readings into the application's windows.</summary>
    private void Measure(Tracked state, Application application, List<Member> mine, Dictionary<Guid, ContainerUsage> usage, double cpuLimit, DateTimeOffset now)
    {
        var round = new List<MemberReading>();
        foreach (var member in mine)
        {
            if (!usage.TryGetValue(member.Id, out var current))
            {
                continue; // no reading this round: the others' mean stands for it, its last reading for choosing whom to drain
            }

            var cpu = state.Usage.TryGetValue(member.Id, out var previous) ? MemberLoad.CpuPercent(previous, current, cpuLimit) : null;
            state.Usage[member.Id] = current;
            var reading = new MemberReading(member.Id, member.PartitionId, cpu, MemberLoad.MemoryPercent(current));
            state.Readings[member.Id] = reading;
            round.Add(reading);
        }

        foreach (var gone in state.Usage.Keys.Union(state.Readings.Keys).Except(mine.Select(m => m.Id)).ToList())
        {
            state.Usage.Remove(gone);
            state.Readings.Remove(gone);
        }

        var totals = traffic.Of(application.Id);
        double inFlight = totals.InFlight;
        if (state.Traffic is { } earlier && now > earlier.At)
        {
            // Requests in flight on average since the last round (Little's law: time spent in requests per second),
            // or right now when that is more (long requests still running count before they end).
            inFlight = Math.Max(inFlight, (totals.TotalLatency - earlier.Totals.TotalLatency) / (now - earlier.At));
        }

        state.Traffic = (totals, now);
        state.Load.Record(now, mine.Count,
            Mean(round.Select(r => r.CpuPercent)),
            Mean(round.Select(r => r.MemoryPercent)),
            inFlight);
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().ToList();
        return known.Count == 0 ? null : known.Average();
    }

    private async Task<ContainerUsage?> ReadAsync(Member member, Dictionary<Guid, Partition> partitions, Guid installation, CancellationToken cancellationToken)
    {
        if (!partitions.TryGetValue(member.PartitionId, out var partition) || monitor.StatusOf(partition.Id)?.Reachable == false)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatsTimeout);
        try
        {
            var runtime = new DockerContainerRuntime(engines.For(partition.Endpoint, partition.TlsCertificateDirectory), installation);
            return await runtime.UsageAsync(member.ContainerId!, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogReadingFailed(member.Id, e.Message); // a missed reading: the window copes
            return null;
        }
    }

    /// <summary>The time the application's recent members took from being recorded to Active (the prediction horizon).</summary>
    private static async Task<TimeSpan> StartupAsync(PortalDbContext db, Guid applicationId, CancellationToken cancellationToken)
    {
        var recent = await db.Members.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.ApplicationId == applicationId && m.ActiveAt != null)
            .OrderByDescending(m => m.ActiveAt)
            .Take(5)
            .Select(m => new { m.CreatedAt, m.ActiveAt })
            .ToListAsync(cancellationToken);
        return StartupHorizon.Measure(recent.Select(m => m.ActiveAt!.Value - m.CreatedAt));
    }

    private bool Apply(Application application, List<Member> members, ScalingOutcome outcome, DateTimeOffset now)
    {
        switch (outcome.Action)
        {
            case ScalingAction.ScaleUp:
                application.DesiredMembers = outcome.To;
                LogScaled(application.Name, outcome.From, outcome.To, outcome.Reason);
                return true;
            case ScalingAction.ScaleDown:
                if (outcome.DrainMemberId is { } id && members.SingleOrDefault(m => m.Id == id && m.State == MemberState.Active) is { } member)
                {
                    member.MoveTo(MemberState.Draining, now);
                }

                application.DesiredMembers = outcome.To;
                LogScaled(application.Name, outcome.From, outcome.To, outcome.Reason);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Every action is logged; a decision that held back or found nothing to do only when it differs from the last one logged.</summary>
    private static void Log(PortalDbContext db, Tracked state, Application application, AutoscalingPolicy policy, int active, ScalingOutcome outcome, DateTimeOffset now)
    {
        var acted = outcome.Action is ScalingAction.ScaleUp or ScalingAction.ScaleDown;
        var quietAgain = outcome.Action == ScalingAction.None && (state.LoggedKey is null || state.LoggedKey.StartsWith($"{ScalingAction.None}/", StringComparison.Ordinal));
        if (!acted && (outcome.Key == state.LoggedKey || quietAgain))
        {
            return;
        }

        db.ScalingDecisions.Add(ScalingDecision.Of(outcome, application.TenantId, application.Id, policy, active, now));
        state.LoggedKey = outcome.Key;
    }

    private async Task PruneAsync(PortalDbContext db, List<Guid> applications, CancellationToken cancellationToken)
    {
        foreach (var id in applications)
        {
            var oldestKept = await db.ScalingDecisions.IgnoreQueryFilters()
                .Where(d => d.ApplicationId == id)
                .OrderByDescending(d => d.At)
                .Skip(options.Value.KeepDecisions - 1)
                .Select(d => (DateTimeOffset?)d.At)
                .FirstOrDefaultAsync(cancellationToken);
            if (oldestKept is { } cutoff)
            {
                await db.ScalingDecisions.IgnoreQueryFilters().Where(d => d.ApplicationId == id && d.At < cutoff).ExecuteDeleteAsync(cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Autoscaling {Application}: {From} -> {To} members. {Reason}")]
    private partial void LogScaled(string application, int from, int to, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No stats for member {Member}: {Reason}")]
    private partial void LogReadingFailed(Guid member, string reason);

    /// <summary>What the autoscaler keeps of one application between rounds.</summary>
    private sealed class Tracked(TimeSpan window)
    {
        public ApplicationLoad Load { get; } = new(window);

        public ScalingState State { get; set; } = ScalingState.Initial;

        public DateTimeOffset? EvaluatedAt { get; set; }

        public string? LoggedKey { get; set; }

        public Dictionary<Guid, ContainerUsage> Usage { get; } = [];

        public Dictionary<Guid, MemberReading> Readings { get; } = [];

        public (TrafficTotals Totals, DateTimeOffset At)? Traffic { get; set; }
    }
}
