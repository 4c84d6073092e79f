using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Tenancy;

namespace Portal.Api;

public static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Me").RequireAuthorization(PortalPolicies.ApiUser)
            .MapGet("/me", GetMe)
            .WithName("GetMe")
            .WithSummary("Who the bearer token belongs to: email, tenant and roles.");
        return app;
    }

    public static Ok<MeResponse> GetMe(CurrentUser user) =>
        TypedResults.Ok(new MeResponse(
            user.Email ?? "",
            user.Tenant ?? "",
            [.. user.Principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)]));
}

public sealed record MeResponse(string Email, string Tenant, IReadOnlyList<string> Roles);
