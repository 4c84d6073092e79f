using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Auditing;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Tenancy;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>The platform admin's view across tenants.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/admin").WithTags("Admin")
            .RequireAuthorization(PortalPolicies.ApiUser)
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        api.MapGet("/tenants", ListTenantsAsync).WithName("ListTenants").WithSummary("Every tenant with its number of users and its quota.");
        api.MapPost("/tenants/{tenant}/suspend", SuspendAsync).WithName("SuspendTenant")
            .WithSummary("Suspends a tenant: its users cannot sign in (their sign-ins end at once) and its applications answer a page saying so. Its members keep running.");
        api.MapPost("/tenants/{tenant}/resume", ResumeAsync).WithName("ResumeTenant").WithSummary("Resumes a suspended tenant: sign-ins and its applications work again.");
        api.MapGet("/users", UsersAsync).WithName("ListAllUsers")
            .WithSummary($"Every tenant's users (at most {UserDirectory.MaxListed}) with their roles and whether they are disabled: `tenant` (slug), `search` (part of the e-mail).");
        api.MapPost("/users/{id}/disable", DisableUserAsync).WithName("DisableUser")
            .WithSummary("Disables a user: their sign-ins end at once and they cannot sign in until enabled (not yourself).");
        api.MapPost("/users/{id}/enable", EnableUserAsync).WithName("EnableUser").WithSummary("Enables a disabled user again.");
        api.MapGet("/audit", AuditAsync).WithName("ListAuditEntries")
            .WithSummary("Who changed what and when, newest first, with the values before and after (secrets masked): `tenant` (slug), `actor` (e-mail), " +
                "`entity` (e.g. Application), `before` (for the next page), `limit` (default 100, at most 500).");
        api.MapGet("/overview", OverviewAsync).WithName("GetPlatformOverview")
            .WithSummary("Everything running: tenants, applications, members and capacity per partition, failures of the last 24 h.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TenantSummary>>> ListTenantsAsync(TenantDirectory tenants, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tenants.ListAsync(cancellationToken));

    public static async Task<Results<Ok<TenantSummary>, ProblemHttpResult>> SuspendAsync(
        string tenant, SuspendRequest? request, TenantSuspensions suspensions, CancellationToken cancellationToken)
    {
        var result = await suspensions.SuspendAsync(tenant, request?.Reason, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(result.Value!) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<TenantSummary>, ProblemHttpResult>> ResumeAsync(
        string tenant, TenantSuspensions suspensions, CancellationToken cancellationToken)
    {
        var result = await suspensions.ResumeAsync(tenant, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(result.Value!) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<IReadOnlyList<UserSummary>>, ProblemHttpResult>> UsersAsync(
        UserDirectory directory, CancellationToken cancellationToken, string? tenant = null, string? search = null)
    {
        if (search?.Length > 256)
        {
            return Failure.Validation("search", "search is at most 256 characters.").Problem();
        }

        return await directory.ListAsync(tenant, search, cancellationToken) is { } users
            ? TypedResults.Ok(users)
            : Failure.Validation("tenant", $"There is no tenant '{tenant}'.").Problem();
    }

    public static async Task<Results<Ok<UserSummary>, ProblemHttpResult>> DisableUserAsync(
        string id, UserDirectory directory, CurrentUser caller, CancellationToken cancellationToken)
    {
        var result = await directory.DisableAsync(id, caller.UserId, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(result.Value!) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<UserSummary>, ProblemHttpResult>> EnableUserAsync(
        string id, UserDirectory directory, CancellationToken cancellationToken)
    {
        var result = await directory.EnableAsync(id, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(result.Value!) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<IReadOnlyList<AuditEntryView>>, ProblemHttpResult>> AuditAsync(
        AuditLog audit, CancellationToken cancellationToken, string? tenant = null, string? actor = null, string? entity = null,
        DateTimeOffset? before = null, int? limit = null)
    {
        if (limit is < 1 or > AuditLog.MaxEntries)
        {
            return Failure.Validation("limit", $"limit must be between 1 and {AuditLog.MaxEntries}.").Problem();
        }

        return await audit.ListAsync(tenant, actor, entity, before, limit ?? 100, cancellationToken) is { } entries
            ? TypedResults.Ok(entries)
            : Failure.Validation("tenant", $"There is no tenant '{tenant}'.").Problem();
    }

    public static async Task<Ok<PlatformOverviewView>> OverviewAsync(PlatformOverview overview, CancellationToken cancellationToken) =>
        TypedResults.Ok(await overview.ReadAsync(cancellationToken));
}

/// <summary>Why a tenant is suspended (shown to its users and its applications' visitors); empty for the default.</summary>
public sealed record SuspendRequest(string? Reason);
