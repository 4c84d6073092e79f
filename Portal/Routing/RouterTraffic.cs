using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Portal.Routing;

/// <summary>
/// What the router knows per application beyond YARP's routes: its traffic (requests in flight, totals for the
/// autoscaler, OpenTelemetry instruments for <c>/metrics</c>) and its tenant's rate limit.
/// The per-request work is a dictionary lookup, a few interlocked additions and the instruments' own.
/// </summary>
public sealed class RouterTraffic : IApplicationTraffic, IDisposable
{
    public const string MeterName = "Portal.Router";

    private readonly Counter<long> requests;
    private readonly Histogram<double> duration;
    private readonly UpDownCounter<long> active;
    private readonly Counter<long> limited;
    private readonly RouterRateLimitOptions rateLimit;
    private readonly ConcurrentDictionary<Guid, ApplicationCounters> counters = new();
    private readonly ConcurrentDictionary<string, RateLimiter> tenantLimits = new(StringComparer.Ordinal);
    private volatile FrozenDictionary<string, ApplicationCounters> byCluster = FrozenDictionary<string, ApplicationCounters>.Empty;

    private readonly IProxyStateLookup proxyState;

    public RouterTraffic(IMeterFactory meters, IOptions<RouterOptions> options, IProxyStateLookup proxyState)
    {
        this.proxyState = proxyState;
        var meter = meters.Create(MeterName);
        requests = meter.CreateCounter<long>("portal.router.requests", "{request}", "Requests answered, by application and status class.");
        duration = meter.CreateHistogram<double>("portal.router.request.duration", "s", "Time from a request's arrival to its answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        active = meter.CreateUpDownCounter<long>("portal.router.active_requests", "{request}", "Requests in flight.");
        limited = meter.CreateCounter<long>("portal.router.rate_limited", "{request}", "Requests refused by the tenant's rate limit.");
        rateLimit = options.Value.RateLimit;
    }

    /// <summary>Takes in a new topology: the applications' counters (kept across updates).</summary>
    public void Update(IReadOnlyList<RoutedApplication> topology)
    {
        byCluster = topology.ToFrozenDictionary(
            a => a.ApplicationId.ToString(),
            a => counters.AddOrUpdate(a.ApplicationId, _ => new ApplicationCounters(a.Tenant, a.Name, LimitOf(a.Tenant)),
                (_, existing) => existing.Tenant == a.Tenant && existing.Name == a.Name ? existing : new ApplicationCounters(a.Tenant, a.Name, LimitOf(a.Tenant))));
        foreach (var gone in counters.Keys.Except(topology.Select(a => a.ApplicationId)))
        {
            counters.TryRemove(gone, out _);
        }

        foreach (var application in topology)
        {
            if (counters.TryGetValue(application.ApplicationId, out var c))
            {
                c.SuspendedReason = application.SuspendedReason;
                foreach (var gone in c.ByMember.Keys.Except(application.Members.Select(m => m.MemberId)))
                {
                    c.ByMember.TryRemove(gone, out _);
                }
            }
        }
    }

    public ApplicationCounters? Find(string clusterId) => byCluster.GetValueOrDefault(clusterId);

    public TrafficTotals Of(Guid applicationId) =>
        counters.TryGetValue(applicationId, out var c)
            ? new TrafficTotals(Volatile.Read(ref c.InFlight), Volatile.Read(ref c.Requests), Volatile.Read(ref c.Errors),
                TimeSpan.FromTicks(Volatile.Read(ref c.LatencyTicks)))
            : TrafficTotals.None;

    /// <summary>Requests in flight per member as YARP counts them (it balances by them), requests answered as counted here.</summary>
    public IReadOnlyList<MemberTraffic> MembersOf(Guid applicationId)
    {
        var answered = counters.TryGetValue(applicationId, out var c) ? c.ByMember : null;
        var inFlight = new Dictionary<Guid, long>();
        if (proxyState.TryGetCluster(applicationId.ToString(), out var cluster))
        {
            foreach (var (id, destination) in cluster.Destinations)
            {
                if (Guid.TryParse(id, out var member))
                {
                    inFlight[member] = destination.ConcurrentRequestCount;
                }
            }
        }

        var members = inFlight.Keys.Union(answered?.Keys ?? []);
        return [.. members.Select(m => new MemberTraffic(m, inFlight.GetValueOrDefault(m),
            answered?.TryGetValue(m, out var count) == true ? Volatile.Read(ref count.Value) : 0))];
    }

    /// <summary>Counts the request in, unless its tenant is over its rate (then it is counted as refused and false returned).</summary>
    public bool TryStart(ApplicationCounters application)
    {
        if (application.Limit is { } limit)
        {
            using var lease = limit.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                limited.Add(1, application.Tags[0], application.Tags[1]);
                return false;
            }
        }

        Interlocked.Increment(ref application.InFlight);
        active.Add(1, application.Tags[0], application.Tags[1]);
        return true;
    }

    public void Finish(ApplicationCounters application, HttpContext context, long startedAt)
    {
        var elapsed = Stopwatch.GetElapsedTime(startedAt);
        var status = context.Response.StatusCode;
        var failed = status >= 500 || context.Features.Get<IForwarderErrorFeature>() is not null;
        Interlocked.Decrement(ref application.InFlight);
        Interlocked.Increment(ref application.Requests);
        if (context.GetReverseProxyFeature().ProxiedDestination?.DestinationId is { } destination && Guid.TryParse(destination, out var member))
        {
            Interlocked.Increment(ref application.ByMember.GetOrAdd(member, _ => new StrongBox<long>()).Value);
        }

        Interlocked.Add(ref application.LatencyTicks, elapsed.Ticks);
        if (failed)
        {
            Interlocked.Increment(ref application.Errors);
        }

        active.Add(-1, application.Tags[0], application.Tags[1]);
        requests.Add(1, application.Tags[0], application.Tags[1], new("http.response.status_code", StatusClass(status)));
        duration.Record(elapsed.TotalSeconds, application.Tags[0], application.Tags[1]);
    }

    private static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    private RateLimiter? LimitOf(string tenant) => rateLimit.RequestsPerSecond <= 0
        ? null
        : tenantLimits.GetOrAdd(tenant, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rateLimit.Burst,
            TokensPerPeriod = rateLimit.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Dispose()
    {
        foreach (var limit in tenantLimits.Values)
        {
            limit.Dispose();
        }
    }
}

/// <summary>One application's running totals (updated with interlocked operations) and its metric tags.</summary>
public sealed class ApplicationCounters(string tenant, string name, RateLimiter? limit)
{
    internal long InFlight;
    internal long Requests;
    internal long Errors;
    internal long LatencyTicks;

    public string Tenant { get; } = tenant;

    public string Name { get; } = name;

    /// <summary>Why the application does not serve (its tenant is suspended); null while it serves.</summary>
    public string? SuspendedReason { get; set; }

    /// <summary>The tenant's rate limit, shared by all its applications; null when off.</summary>
    public RateLimiter? Limit { get; } = limit;

    /// <summary>Requests answered per member.</summary>
    internal ConcurrentDictionary<Guid, StrongBox<long>> ByMember { get; } = new();

    internal KeyValuePair<string, object?>[] Tags { get; } = [new("tenant", tenant), new("application", name)];
}
