using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Monitoring;
using Portal.Core.Partitions;
using Portal.Core.Routing;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Monitoring;

/// <summary>
/// Every <see cref="HealthOptions.SampleInterval"/>: measures every Active member of every application (CPU and memory
/// from Docker stats, in parallel; requests in flight and per second from the router) and stores one
/// <see cref="MetricSample"/> per member and one per application. CPU and request rates need two readings, so a
/// member's first sample has only memory and requests in flight. The last readings live in memory: after a restart
/// the first round gives no rates.
/// </summary>
public sealed partial class HealthSampler(
    IServiceScopeFactory scopes,
    ContainerStats stats,
    IApplicationTraffic traffic,
    TimeProvider clock,
    ILogger<HealthSampler> logger)
{
    private const int ParallelReadings = 16;

    private readonly ConcurrentDictionary<Guid, ContainerUsage> usage = new();
    private readonly Dictionary<Guid, (long Requests, DateTimeOffset At)> requests = [];

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var installation = await db.Installations.Select(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        if (installation == Guid.Empty)
        {
            return;
        }

        var members = await db.Members.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.State == MemberState.Active && m.ContainerId != null)
            .Select(m => new { m.Id, m.TenantId, m.ApplicationId, m.PartitionId, m.ContainerId })
            .ToListAsync(cancellationToken);
        var partitions = await db.Partitions.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var cpuLimits = await db.Applications.IgnoreQueryFilters().AsNoTracking()
            .Join(db.Cartridges, a => a.CartridgeId, c => c.Id, (a, c) => new { a.Id, c.CpuLimit })
            .ToDictionaryAsync(a => a.Id, a => a.CpuLimit, cancellationToken);

        var readings = new ConcurrentDictionary<Guid, ContainerUsage>();
        await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = ParallelReadings, CancellationToken = cancellationToken },
            async (member, token) =>
            {
                if (partitions.TryGetValue(member.PartitionId, out var partition) && await stats.ReadAsync(partition, member.Id, member.ContainerId!, installation, token) is { } reading)
                {
                    readings[member.Id] = reading;
                }
            });

        var now = clock.GetUtcNow();
        var samples = new List<MetricSample>();
        foreach (var application in members.GroupBy(m => (m.TenantId, m.ApplicationId)))
        {
            var routed = traffic.MembersOf(application.Key.ApplicationId).ToDictionary(t => t.MemberId);
            var cpuLimit = cpuLimits.GetValueOrDefault(application.Key.ApplicationId, 1);
            var mine = new List<MetricSample>();
            foreach (var member in application)
            {
                var current = readings.GetValueOrDefault(member.Id);
                var cpu = current is not null && usage.TryGetValue(member.Id, out var previous) ? MemberLoad.CpuPercent(previous, current, cpuLimit) : null;
                var memberTraffic = routed.GetValueOrDefault(member.Id);
                mine.Add(new MetricSample
                {
                    TenantId = application.Key.TenantId,
                    ApplicationId = application.Key.ApplicationId,
                    MemberId = member.Id,
                    At = now,
                    CpuPercent = cpu,
                    MemoryPercent = current is null ? null : MemberLoad.MemoryPercent(current),
                    RequestsInFlight = memberTraffic?.InFlight ?? 0,
                    RequestsPerSecond = RateOf(member.Id, memberTraffic?.Requests ?? 0, now),
                });
                if (current is not null)
                {
                    usage[member.Id] = current;
                }
            }

            var totals = traffic.Of(application.Key.ApplicationId);
            samples.AddRange(mine);
            samples.Add(HealthSampling.Application(application.Key.TenantId, application.Key.ApplicationId, now, mine,
                totals.InFlight, RateOf(application.Key.ApplicationId, totals.Requests, now)));
        }

        Forget(members.Select(m => m.Id).Concat(members.Select(m => m.ApplicationId)).ToHashSet());
        if (samples.Count > 0)
        {
            // An application deleted while its members were measured took its samples with it: its new ones are dropped
            // (their key would be refused, and with them the round's every other sample).
            var ids = samples.Select(s => s.ApplicationId).Distinct().ToList();
            var existing = (await db.Applications.IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(cancellationToken)).ToHashSet();
            db.MetricSamples.AddRange(samples.Where(s => existing.Contains(s.ApplicationId)));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e)
            {
                LogRoundLost(e); // deleted in the instant between: the next round measures again
            }
        }
    }

    /// <summary>Requests per second of a member or application since the last round (0 in its first).</summary>
    private double RateOf(Guid id, long total, DateTimeOffset now)
    {
        var rate = requests.TryGetValue(id, out var last) ? HealthSampling.Rate(last.Requests, total, now - last.At) : 0;
        requests[id] = (total, now);
        return rate;
    }

    /// <summary>Readings of members and applications no longer measured are dropped.</summary>
    private void Forget(HashSet<Guid> measured)
    {
        foreach (var gone in usage.Keys.Where(id => !measured.Contains(id)).ToList())
        {
            usage.TryRemove(gone, out _);
        }

        foreach (var gone in requests.Keys.Where(id => !measured.Contains(id)).ToList())
        {
            requests.Remove(gone);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of health samples could not be stored; the next round measures again.")]
    private partial void LogRoundLost(Exception exception);

}
