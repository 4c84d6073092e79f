using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Portal.Api;
using Portal.Components.Account;
using Portal.Hubs;
using Portal.Core.Tenancy;
using Portal.Tenancy;

namespace Portal;

public static class DependencyInjection
{
    /// <summary>The web side: Blazor with MudBlazor, cookie and bearer sign-in, policies, ProblemDetails, OpenAPI.</summary>
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // A circuit message carries what a field holds when it changes: room for a pasted Stratos artifact (at most 1 MiB).
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = 2 * 1024 * 1024);
        services.AddMudServices();

        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<CircuitHandler, CurrentUserCircuitHandler>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        // Pages sign in with Identity's cookie, the API with its bearer tokens; a request to /api never counts a cookie.
        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = PortalAuthentication.Scheme;
            options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        authentication.AddPolicyScheme(PortalAuthentication.Scheme, "Cookie for pages, bearer token for the API", options =>
            options.ForwardDefaultSelector = context =>
                PortalAuthentication.IsApi(context) ? IdentityConstants.BearerScheme : IdentityConstants.ApplicationScheme);
        authentication.AddBearerToken(IdentityConstants.BearerScheme, (BearerTokenOptions options) =>
        {
            options.BearerTokenExpiration = TimeSpan.FromHours(1);
            options.Events.OnMessageReceived = HubExtensions.TokenFromQuery;
        });
        authentication.AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/Account/AccessDenied";
        });
        // A removed user's cookie stops working within a minute (bearer tokens: at once, see ActiveUserRequirement).
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddScoped<IAuthorizationHandler, ActiveUserHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.ApiUser, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.BearerScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveUserRequirement()))
            .AddPolicy(PortalPolicies.TenantAdmin, policy => policy.RequireRole(PortalRoles.TenantAdmin))
            .AddPolicy(PortalPolicies.PlatformAdmin, policy => policy.RequireRole(PortalRoles.PlatformAdmin));

        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsConventions.Apply);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddValidation();
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        services.Configure<FormOptions>(options => options.ValueLengthLimit = 64 * 1024);
        services.AddOpenApi();
        services.AddSignalR();
        services.AddSingleton<Portal.Hubs.LogStreams>();
        return builder;
    }
}
