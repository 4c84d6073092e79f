using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.SessionAffinity;

namespace Portal.Routing;

/// <summary>
/// The built-in load balancer: YARP in the portal's process. One route per application (its host names), one
/// cluster of its Active members with the application's algorithm and, when asked, a cookie keeping a browser on
/// one member. YARP swaps the configuration without dropping requests in flight.
/// </summary>
public sealed class YarpLoadBalancer(InMemoryConfigProvider proxy, RouterTraffic traffic, IOptions<RouterOptions> options) : ILoadBalancer
{
    /// <summary>Application routes come before every endpoint of the portal itself.</summary>
    public const int RouteOrder = -10_000;

    public string Name => "router";

    public Task ApplyAsync(IReadOnlyList<RoutedApplication> topology, CancellationToken cancellationToken)
    {
        traffic.Update(topology);
        proxy.Update([.. topology.Select(RouteOf)], [.. topology.Select(ClusterOf)]);
        return Task.CompletedTask;
    }

    private RouteConfig RouteOf(RoutedApplication application) => new()
    {
        RouteId = application.ApplicationId.ToString(),
        ClusterId = application.ApplicationId.ToString(),
        Order = RouteOrder,
        Match = new RouteMatch { Hosts = application.Hosts, Path = "/{**path}" },
        MaxRequestBodySize = options.Value.MaxRequestBodySize,
    };

    private static ClusterConfig ClusterOf(RoutedApplication application) => new()
    {
        ClusterId = application.ApplicationId.ToString(),
        LoadBalancingPolicy = application.LoadBalancing == LoadBalancingAlgorithm.LeastRequests
            ? LoadBalancingPolicies.LeastRequests
            : LoadBalancingPolicies.RoundRobin,
        SessionAffinity = application.StickySessions
            ? new SessionAffinityConfig
            {
                Enabled = true,
                Policy = SessionAffinityConstants.Policies.HashCookie, // the member's id hashed: cheap, and no key to share
                FailurePolicy = SessionAffinityConstants.FailurePolicies.Redistribute, // its member gone: pick another
                AffinityKeyName = LoadBalancerConventions.AffinityCookie,
                Cookie = new SessionAffinityCookieConfig { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true },
            }
            : null,
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
}
