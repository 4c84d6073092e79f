using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Portal.Infrastructure.Routing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Portal.Routing;

/// <summary>
/// Keeps YARP's routes and clusters equal to the topology: one route per application (its host name), one cluster
/// of its Active members, round-robin. Rebuilds when the reconciler signals a change, and every few seconds anyway;
/// YARP swaps the configuration without dropping requests in flight.
/// </summary>
public sealed partial class RouterConfigRefresher(
    IServiceScopeFactory scopes,
    InMemoryConfigProvider proxy,
    TopologySignal signal,
    IOptions<RouterOptions> options,
    ILogger<RouterConfigRefresher> logger) : BackgroundService
{
    /// <summary>Application routes come before every endpoint of the portal itself.</summary>
    public const int RouteOrder = -10_000;

    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(5);
    private IReadOnlyList<RoutedApplication> current = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                await signal.WaitAsync(Fallback, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRefreshFailed(e);
                await Task.Delay(Fallback, stoppingToken);
            }
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var topology = await scope.ServiceProvider.GetRequiredService<RoutingTopology>().ReadAsync(options.Value.AppsDomain, cancellationToken);
        if (SameAs(topology))
        {
            return;
        }

        proxy.Update([.. topology.Select(RouteOf)], [.. topology.Select(ClusterOf)]);
        current = topology;
        LogUpdated(topology.Count, topology.Sum(a => a.Members.Count));
    }

    private bool SameAs(IReadOnlyList<RoutedApplication> topology) =>
        topology.Count == current.Count
        && topology.Zip(current).All(p => p.First.Host == p.Second.Host && p.First.HealthCheckPath == p.Second.HealthCheckPath
                                          && p.First.Members.SequenceEqual(p.Second.Members));

    private static RouteConfig RouteOf(RoutedApplication application) => new()
    {
        RouteId = application.ApplicationId.ToString(),
        ClusterId = application.ApplicationId.ToString(),
        Order = RouteOrder,
        Match = new RouteMatch { Hosts = [application.Host], Path = "/{**path}" },
    };

    private static ClusterConfig ClusterOf(RoutedApplication application) => new()
    {
        ClusterId = application.ApplicationId.ToString(),
        LoadBalancingPolicy = Yarp.ReverseProxy.LoadBalancing.LoadBalancingPolicies.RoundRobin,
        HealthCheck = new HealthCheckConfig
        {
            // Passive: a member whose requests fail at the transport (it died) is taken out at once, and tried
            // again after a while. Active: the cartridge's health path, every 2 s, for members that hang.
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = TimeSpan.FromSeconds(5),
            },
            Active = application.HealthCheckPath is { } path
                ? new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = TimeSpan.FromSeconds(2),
                    Timeout = TimeSpan.FromSeconds(2),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = path,
                }
                : null,
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
        },
        Destinations = application.Members.ToDictionary(
            m => m.MemberId.ToString(),
            m => new DestinationConfig { Address = m.Address }),
    };

    [LoggerMessage(LogLevel.Information, "Router: {Applications} applications, {Members} Active members")]
    private partial void LogUpdated(int applications, int members);

    [LoggerMessage(LogLevel.Warning, "Router: reading the topology failed; trying again shortly")]
    private partial void LogRefreshFailed(Exception exception);
}
