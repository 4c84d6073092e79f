using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;
using Portal.Infrastructure.Identity;

namespace Portal.Tenancy;

public static class PortalAuthentication
{
    /// <summary>The default scheme: forwards to the bearer scheme for the API and to the cookie elsewhere.</summary>
    public const string Scheme = "Portal";

    /// <summary>The API, its OpenAPI document and the git hosts' webhooks: machines, answered with ProblemDetails, never a page.</summary>
    public static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi")
        || context.Request.Path.StartsWithSegments("/hooks");
}

/// <summary>The bearer token's user still exists and nothing revoked their sign-ins (security stamp).</summary>
public sealed class ActiveUserRequirement : IAuthorizationRequirement;

internal sealed class ActiveUserHandler(SignInManager<PortalUser> signInManager) : AuthorizationHandler<ActiveUserRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveUserRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && await signInManager.ValidateSecurityStampAsync(context.User) is not null)
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>A token of a removed user is no longer a valid sign-in: 401, not 403.</summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ActiveUserRequirement>().Any() == true)
        {
            return context.ChallengeAsync(IdentityConstants.BearerScheme);
        }

        return fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
