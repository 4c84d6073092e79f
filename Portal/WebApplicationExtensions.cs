using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Portal.Api;
using Portal.Components;
using Portal.Components.Account;
using Portal.Hubs;
using Portal.Routing;
using Portal.Tenancy;

namespace Portal;

public static class WebApplicationExtensions
{
    /// <summary>The request pipeline and every endpoint: pages, Identity's form endpoints, the API, health.</summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseRouterPort();

        // Requests for applications (the router) answer with their own pages and skip the portal's middleware
        // (error pages, sign-in, antiforgery): the proxy's hot path pays for none of it.
        app.UseWhen(context => !RouterExtensions.IsApplicationRequest(context), portal => portal
            .UseWhen(PortalAuthentication.IsApi, api => api.UseExceptionHandler().UseStatusCodePages())
            .UseWhen(context => !PortalAuthentication.IsApi(context), pages => pages
                .UseExceptionHandler("/Error", createScopeForErrors: true)
                .UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true)
                .Use(ReExecuteAsGet))
            .UseAuthentication()
            .UseAuthorization()
            .UseAntiforgery());

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();

        app.MapAuthApi();
        app.MapMeApi();
        app.MapTeamApi();
        app.MapAdminApi();
        app.MapCartridgesApi();
        app.MapPartitionsApi();
        app.MapApplicationsApi();
        app.MapReleasesApi();
        app.MapAutoscalingApi();
        app.MapEventsApi();
        app.MapHealthApi();
        app.MapQuotasApi();
        app.MapUsageApi();
        app.MapGitHooks();
        app.MapDomainsApi();
        app.MapStratosApi();
        app.MapHubs();
        app.MapOpenApi("/openapi/{documentName}.json");

        app.MapRouter();

        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    /// <summary>
    /// The error and not-found pages are re-executed with the failed request's method; a failed form POST must
    /// still show them, so re-executions become GETs.
    /// </summary>
    private static Task ReExecuteAsGet(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IExceptionHandlerFeature>() is not null
            || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            context.Request.Method = HttpMethods.Get;
        }

        return next(context);
    }
}
