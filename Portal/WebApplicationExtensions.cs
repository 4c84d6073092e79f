using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Portal.Api;
using Portal.Components;
using Portal.Components.Account;

namespace Portal;

public static class WebApplicationExtensions
{
    /// <summary>The request pipeline and every endpoint: pages, Identity's form endpoints, the API, health.</summary>
    public static WebApplication MapPortal(this WebApplication app)
    {
        // The API answers errors with ProblemDetails; pages show the error and not-found pages.
        app.UseWhen(IsApi, api => api.UseExceptionHandler().UseStatusCodePages());
        app.UseWhen(context => !IsApi(context), pages => pages
            .UseExceptionHandler("/Error", createScopeForErrors: true)
            .UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();

        app.MapAuthApi();
        app.MapMeApi();
        app.MapTeamApi();
        app.MapAdminApi();
        app.MapOpenApi("/openapi/{documentName}.json");

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    private static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi");
}
