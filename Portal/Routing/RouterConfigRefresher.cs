using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Portal.Infrastructure.Routing;

namespace Portal.Routing;

/// <summary>
/// Keeps every load balancer (<see cref="ILoadBalancer"/>: the built-in router, and HAProxy when configured) equal to
/// the topology. Rebuilds when the reconciler signals a change, and every few seconds anyway; a load balancer that
/// failed to apply a topology is given it again on the next round.
/// </summary>
public sealed partial class RouterConfigRefresher(
    IServiceScopeFactory scopes,
    IEnumerable<ILoadBalancer> loadBalancers,
    TopologySignal signal,
    IOptions<RouterOptions> options,
    ILogger<RouterConfigRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(5);
    private readonly Dictionary<ILoadBalancer, IReadOnlyList<RoutedApplication>> applied = [];

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
        foreach (var loadBalancer in loadBalancers)
        {
            if (applied.TryGetValue(loadBalancer, out var current) && current.SequenceEqual(topology))
            {
                continue;
            }

            try
            {
                await loadBalancer.ApplyAsync(topology, cancellationToken);
                applied[loadBalancer] = topology;
                LogUpdated(loadBalancer.Name, topology.Count, topology.Sum(a => a.Members.Count));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogApplyFailed(e, loadBalancer.Name);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "{LoadBalancer}: {Applications} applications, {Members} Active members")]
    private partial void LogUpdated(string loadBalancer, int applications, int members);

    [LoggerMessage(LogLevel.Warning, "{LoadBalancer}: applying the topology failed; trying again shortly")]
    private partial void LogApplyFailed(Exception exception, string loadBalancer);

    [LoggerMessage(LogLevel.Warning, "Router: reading the topology failed; trying again shortly")]
    private partial void LogRefreshFailed(Exception exception);
}
