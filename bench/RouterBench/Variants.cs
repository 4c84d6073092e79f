using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal;
using Portal.Core.Routing;
using Portal.Infrastructure;
using Portal.Routing;
using Portal.Tenancy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

namespace RouterBench;

/// <summary>
/// Reference points for finding what the router's cost is made of, each its own process on the same backends:
/// <list type="bullet">
/// <item><c>bare</c>: YARP alone, round-robin over the backends, nothing else (the reference);</item>
/// <item><c>router</c>: the portal's router exactly as the portal sets it up (<c>AddRouter</c>, <c>MapRouter</c>: traffic
/// counters, the tenant's rate limit, metrics, retries, health checks, the member header) without the rest of the
/// portal (its middleware and endpoints); the topology is given to its load balancer directly;</item>
/// <item><c>middleware</c>: <c>router</c> plus the portal's services and the middleware <c>MapPortal</c> puts before
/// the endpoints (the two <c>UseWhen</c> branches, authentication, authorization, antiforgery), without the portal's
/// endpoints: <c>router</c>→<c>middleware</c> is what that middleware costs an application's request.</item>
/// </list>
/// </summary>
internal static class Variants
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationTokenSource stop)
    {
        var port = options.Port > 0 ? options.Port : BenchHost.FreePort();
        var dataDirectory = Directory.CreateTempSubdirectory("router-bench-");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, Args = [] });
        var settings = new Dictionary<string, string?>
        {
            ["Router:Port"] = "0",
            ["Router:AppsDomain"] = BenchHost.AppsDomain,
            ["Router:RateLimit:RequestsPerSecond"] = "10000000",
            ["Router:RateLimit:Burst"] = "10000000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var members = options.Backends.Select((backend, i) => new RoutedMember(new Guid(i + 1, 0, 0, new byte[8]), $"http://127.0.0.1:{backend}")).ToList();

        WebApplication app;
        if (options.Variant == "bare")
        {
            builder.Services.AddReverseProxy().LoadFromMemory(
                [new RouteConfig { RouteId = "web", ClusterId = "web", Match = new RouteMatch { Hosts = [BenchHost.Host], Path = "/{**path}" } }],
                [new ClusterConfig
                {
                    ClusterId = "web",
                    LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                    Destinations = members.ToDictionary(m => m.MemberId.ToString(), m => new DestinationConfig { Address = m.Address }),
                }]);
            app = builder.Build();
            app.MapReverseProxy();
        }
        else
        {
            if (options.Variant == "middleware")
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:Postgres"] = "",
                    ["Portal:DataDirectory"] = dataDirectory.FullName,
                    ["Portal:Reconciler:Enabled"] = "false",
                });
                builder.AddInfrastructure();
                builder.AddWebServices();
            }

            builder.AddRouter();
            // The topology comes from here, not from the database (there is none).
            foreach (var refresher in builder.Services.Where(d => d.ImplementationType == typeof(RouterConfigRefresher)).ToList())
            {
                builder.Services.Remove(refresher);
            }

            app = builder.Build();
            if (options.Variant == "middleware")
            {
                // As Portal's MapPortal ran it before application requests skipped it (finding 2 in bench/RESULTS.md;
                // Router:Port is 0: UseRouterPort adds nothing).
                Func<Microsoft.AspNetCore.Http.HttpContext, bool> forApplication = RouterExtensions.IsApplicationRequest;
                app.UseWhen(context => PortalAuthentication.IsApi(context) && !forApplication(context),
                    api => api.UseExceptionHandler().UseStatusCodePages());
                app.UseWhen(context => !PortalAuthentication.IsApi(context) && !forApplication(context), pages => pages
                    .UseExceptionHandler("/Error", createScopeForErrors: true)
                    .UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
                app.UseAuthentication();
                app.UseAuthorization();
                app.UseAntiforgery();
            }

            app.MapRouter();
        }

        try
        {
            await app.StartAsync(stop.Token);
            app.Lifetime.ApplicationStopping.Register(stop.Cancel);
            if (options.Variant != "bare")
            {
                var router = app.Services.GetServices<ILoadBalancer>().OfType<YarpLoadBalancer>().Single();
                await router.ApplyAsync(
                    [new RoutedApplication(Guid.CreateVersion7(), BenchHost.Tenant, BenchHost.Application, [BenchHost.Host], members, HealthCheckPath: "/")],
                    stop.Token);
            }

            var baseAddress = new Uri($"http://127.0.0.1:{port}/");
            await BenchHost.WaitUntilRoutedAsync(baseAddress, options.Backends.Count, stop.Token);
            await BenchHost.ServeAsync($"READY port={port} host={BenchHost.Host} variant={options.Variant} haproxyConfig=", stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"RouterBench ({options.Variant}): {e}");
            return 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dataDirectory.Delete(recursive: true);
        }
    }
}
