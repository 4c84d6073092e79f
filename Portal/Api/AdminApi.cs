using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Tenancy;
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
        api.MapGet("/overview", OverviewAsync).WithName("GetPlatformOverview")
            .WithSummary("Everything running: tenants, applications, members and capacity per partition, failures of the last 24 h.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TenantSummary>>> ListTenantsAsync(TenantDirectory tenants, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tenants.ListAsync(cancellationToken));

    public static async Task<Ok<PlatformOverviewView>> OverviewAsync(PlatformOverview overview, CancellationToken cancellationToken) =>
        TypedResults.Ok(await overview.ReadAsync(cancellationToken));
}
