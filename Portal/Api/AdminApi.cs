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
        api.MapGet("/audit", AuditAsync).WithName("ListAuditEntries")
            .WithSummary("Who changed what and when, newest first, with the values before and after (secrets masked): `tenant` (slug), `actor` (e-mail), " +
                "`entity` (e.g. Application), `before` (for the next page), `limit` (default 100, at most 500).");
        api.MapGet("/overview", OverviewAsync).WithName("GetPlatformOverview")
            .WithSummary("Everything running: tenants, applications, members and capacity per partition, failures of the last 24 h.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TenantSummary>>> ListTenantsAsync(TenantDirectory tenants, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tenants.ListAsync(cancellationToken));

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
