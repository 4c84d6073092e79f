using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Tenancy;

namespace Portal.Api;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/auth").WithTags("Auth").AllowAnonymous();

        api.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithSummary("Sign up: creates a tenant and its first user, the tenant's admin.");

        api.MapPost("/login", LoginAsync)
            .WithName("Login")
            .WithSummary("Exchanges email and password for a bearer token and a refresh token.")
            .Produces<AccessTokenResponse>();

        api.MapPost("/accept-invitation", AcceptInvitationAsync)
            .WithName("AcceptInvitation")
            .WithSummary("Joins the inviting tenant with the token from an invitation link and a new password.");

        api.MapPost("/refresh", RefreshAsync)
            .WithName("Refresh")
            .WithSummary("Exchanges a refresh token for a new bearer token.")
            .Produces<AccessTokenResponse>();

        return app;
    }

    public static async Task<Results<Ok<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, TenantOnboarding onboarding, CancellationToken cancellationToken)
    {
        var result = await onboarding.RegisterAsync(request.Email, request.Password, request.Tenant, cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new RegisterResponse(result.Value!.Tenant, result.Value.Email))
            : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<RegisterResponse>, ProblemHttpResult>> AcceptInvitationAsync(
        AcceptInvitationRequest request, TeamService team, TenantDirectory tenants, CancellationToken cancellationToken)
    {
        var result = await team.AcceptInvitationAsync(request.Token, request.Password, cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new RegisterResponse(await tenants.SlugOfAsync(result.Value!.TenantId, cancellationToken), result.Value.Email!))
            : result.Failure!.Problem();
    }

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> LoginAsync(
        LoginRequest request, SignInManager<PortalUser> signInManager, TenantSuspensions suspensions, UserDirectory directory, CancellationToken cancellationToken)
    {
        signInManager.AuthenticationScheme = IdentityConstants.BearerScheme;
        var result = await signInManager.PasswordSignInAsync(request.Email, request.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return TypedResults.Empty; // The bearer token handler has written the token response.
        }

        if (result.IsNotAllowed && await suspensions.ReasonForAsync(request.Email, cancellationToken) is { } reason)
        {
            return TypedResults.Problem($"Your tenant is suspended: {reason} Ask your platform admin.",
                statusCode: StatusCodes.Status403Forbidden, title: "Sign-in refused.");
        }

        if (result.IsLockedOut && await directory.IsDisabledAsync(request.Email, request.Password))
        {
            return TypedResults.Problem(UserDirectory.DisabledMessage, statusCode: StatusCodes.Status403Forbidden, title: "Sign-in refused.");
        }

        return TypedResults.Problem(
            result.IsLockedOut ? "Too many failed attempts; the account is locked for a while." : "Wrong email or password.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Sign-in failed.");
    }

    public static async Task<Results<SignInHttpResult, ChallengeHttpResult>> RefreshAsync(
        RefreshRequest request,
        SignInManager<PortalUser> signInManager,
        IOptionsMonitor<BearerTokenOptions> bearerOptions,
        TimeProvider clock)
    {
        var protector = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector;
        var ticket = protector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires
            || clock.GetUtcNow() >= expires
            || await signInManager.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
        {
            return TypedResults.Challenge();
        }

        var principal = await signInManager.CreateUserPrincipalAsync(user);
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }
}

public sealed record RegisterRequest(
    [Required, UserEmail] string Email,
    [Required, MaxLength(128)] string Password,
    [Required, TenantSlug] string Tenant);

public sealed record RegisterResponse(string Tenant, string Email);

public sealed record LoginRequest(
    [Required, UserEmail] string Email,
    [Required, MaxLength(128)] string Password);

public sealed record AcceptInvitationRequest(
    [Required, MaxLength(128)] string Token,
    [Required, MaxLength(128)] string Password);

public sealed record RefreshRequest([Required, MaxLength(4096)] string RefreshToken);
