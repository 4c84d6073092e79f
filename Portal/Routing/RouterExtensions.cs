using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Portal.Core.Routing;
using Portal.Infrastructure.Observability;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Portal.Routing;

/// <summary>
/// The router: YARP inside the portal's process, on its own port (<c>Router:Port</c>), serving every application at
/// <c>{application}.{tenant}.{appsDomain}</c>, round-robin over its Active members. Requests are told apart from the
/// portal's own by their host name, so the portal's pages never answer for an application and the other way round.
/// </summary>
public static class RouterExtensions
{
    public static WebApplicationBuilder AddRouter(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RouterOptions>()
            .BindConfiguration(RouterOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => ApplicationHosts.IsValidDomain(o.AppsDomain), "Router:AppsDomain must be a domain name, such as apps.localhost.")
            .ValidateOnStart();
        builder.Services.AddReverseProxy()
            .LoadFromMemory([], [])
            .AddTransforms(transforms => transforms.AddResponseTransform(context =>
            {
                // Which member served the request: the destination's id is the member's.
                if (context.HttpContext.GetReverseProxyFeature().ProxiedDestination is { } member)
                {
                    context.HttpContext.Response.Headers[LoadBalancerConventions.MemberHeader] = member.DestinationId;
                }

                return ValueTask.CompletedTask;
            }));
        builder.Services.AddSingleton<RouterTraffic>();
        builder.Services.AddSingleton<IApplicationTraffic>(sp => sp.GetRequiredService<RouterTraffic>());
        builder.Services.AddSingleton<ILoadBalancer, YarpLoadBalancer>();
        builder.Services.AddHostedService<RouterConfigRefresher>();
        // The router's, the portal's own, and ASP.NET Core's (requests served, connections) instruments, scraped at /metrics.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RouterTraffic.MeterName, PlatformMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        // A member that dies is out of the rotation after its first few failed requests, not after a minute.
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(o =>
        {
            o.DetectionWindowSize = TimeSpan.FromSeconds(10);
            o.MinimalTotalCountThreshold = 2;
            o.DefaultFailureRateLimit = 0.3;
        });

        var router = builder.Configuration.GetSection(RouterOptions.Section).Get<RouterOptions>() ?? new RouterOptions();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestHeadersTotalSize = router.MaxRequestHeadersTotalSize);
        if (router.Port > 0)
        {
            // The portal keeps the addresses it was given; the router's is added to them.
            builder.WebHost.UseUrls([.. PortalUrls(builder.Configuration), $"http://{router.BindAddress}:{router.Port}"]);
        }

        return builder;
    }

    /// <summary>The application routes, and for the applications' domain the pages for "no such application" and "no member ready".</summary>
    public static WebApplication MapRouter(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RouterOptions>>().Value;
        var (domain, maxBody) = (options.AppsDomain, options.MaxRequestBodySize);
        var traffic = app.Services.GetRequiredService<RouterTraffic>();
        app.MapReverseProxy(proxy =>
        {
            // Counted first, so the answers below (503, retries, the member's) are all in the application's figures.
            proxy.Use(async (context, next) =>
            {
                if (traffic.Find(context.GetReverseProxyFeature().Route.Config.RouteId) is not { } application)
                {
                    await next();
                    return;
                }

                if (application.SuspendedReason is { } reason)
                {
                    await WritePageAsync(context, HttpStatusCode.ServiceUnavailable, "Suspended",
                        $"{context.Request.Host.Host} does not serve: its owner's account is suspended. Reason: {reason}");
                    return;
                }

                if (context.Request.ContentLength > maxBody)
                {
                    // Refused before a byte goes to the member (a chunked body over the limit fails while it is sent).
                    await WritePageAsync(context, HttpStatusCode.RequestEntityTooLarge, "Request too large",
                        $"This request's body is larger than the {maxBody / 1024} KiB the router accepts.");
                    return;
                }

                if (!traffic.TryStart(application))
                {
                    await WritePageAsync(context, HttpStatusCode.TooManyRequests, "Too many requests",
                        $"The applications of {application.Tenant} receive more requests than their limit allows; try again in a moment.");
                    return;
                }

                var startedAt = Stopwatch.GetTimestamp();
                try
                {
                    await next();
                }
                finally
                {
                    traffic.Finish(application, context, startedAt);
                }
            });

            proxy.Use(async (context, next) =>
            {
                if (context.GetReverseProxyFeature().AvailableDestinations.Count == 0)
                {
                    await WritePageAsync(context, HttpStatusCode.ServiceUnavailable, "No member is ready",
                        $"{context.Request.Host.Host} has no member ready to serve. A new application's members start within seconds; if this stays, its page in the portal says why.");
                    return;
                }

                await next();
            });

            proxy.Use(RetryElsewhereAsync);

            // YARP's own steps, which a custom pipeline must name: affinity, round-robin, passive health.
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        app.Map("/{**path}", (HttpContext context) => WritePageAsync(context, HttpStatusCode.NotFound, "No such application",
                $"No application answers at {context.Request.Host.Host}."))
            .RequireHost($"*.{domain}")
            .WithOrder(YarpLoadBalancer.RouteOrder + 1)
            .WithMetadata(NoSuchApplication)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// On the router's own port only applications answer: a request there for any other host (the portal's
    /// pages, its API) gets the router's 404 page.
    /// </summary>
    public static WebApplication UseRouterPort(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RouterOptions>>().Value;
        if (options.Port > 0)
        {
            app.Use((context, next) => context.Connection.LocalPort == options.Port && !IsApplicationRequest(context)
                ? WritePageAsync(context, HttpStatusCode.NotFound, "No such application",
                    $"This is the router: applications answer at {{application}}.{{tenant}}.{options.AppsDomain}.")
                : next(context));
        }

        return app;
    }

    /// <summary>
    /// A member that just died fails the requests sent to it before anyone notices; a request that got no response
    /// from it and may be sent twice (GET, HEAD, OPTIONS: no body, no side effects) is sent to another member
    /// instead, at most twice. Passive health checks take the dead member out meanwhile.
    /// </summary>
    private static async Task RetryElsewhereAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations; // load balancing narrows this down to the one it picks
        await next();
        for (var attempt = 0; attempt < 2 && MayRetry(context); attempt++)
        {
            var failed = proxy.ProxiedDestination;
            candidates = [.. candidates.Where(d => d != failed)];
            if (candidates.Count == 0)
            {
                return;
            }

            proxy.AvailableDestinations = candidates;
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            await next();
        }
    }

    private static bool MayRetry(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request or ForwarderError.ResponseHeaders }
        && !context.Response.HasStarted
        && !context.RequestAborted.IsCancellationRequested
        && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        && context.Request.ContentLength is null or 0
        && !context.Request.Headers.ContainsKey("Transfer-Encoding");

    /// <summary>
    /// Whether a request is for an application: routing (which runs first in the pipeline) chose one of the router's
    /// endpoints for it, an application's route (its host names, custom domains included) or the applications'
    /// domain's "no such application" page. Decided by the same match that serves the request, so it can never
    /// disagree with it while routes change.
    /// </summary>
    public static bool IsApplicationRequest(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<RouteModel>() is not null || metadata.GetMetadata<NoSuchApplicationPage>() is not null);

    private static readonly NoSuchApplicationPage NoSuchApplication = new();

    /// <summary>Marks the applications' domain's catch-all endpoint.</summary>
    private sealed class NoSuchApplicationPage;

    private static IEnumerable<string> PortalUrls(ConfigurationManager configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        if (configuration["http_ports"] is { Length: > 0 } ports)
        {
            return ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}");
        }

        return ["http://localhost:5000"];
    }

    private static async Task WritePageAsync(HttpContext context, HttpStatusCode status, string title, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/html; charset=utf-8";
        if (status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
        {
            context.Response.Headers.RetryAfter = status == HttpStatusCode.ServiceUnavailable ? "5" : "1";
        }

        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(title)}</title></head>
            <body style="font-family: sans-serif; margin: 4rem auto; max-width: 40rem">
            <h1>{WebUtility.HtmlEncode(title)}</h1>
            <p>{WebUtility.HtmlEncode(message)}</p>
            </body></html>
            """, context.RequestAborted);
    }
}
