using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Tenancy;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// Tenants' quotas: platform admins read and set any tenant's (maximum members, memory and applications; empty for no
/// limit); every signed-in user reads their own tenant's, with what it uses.
/// </summary>
public static class QuotasApi
{
    public static IEndpointRouteBuilder MapQuotasApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/tenants").WithTags("Quotas")
            .RequireAuthorization(PortalPolicies.ApiUser)
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        admin.MapGet("/{tenant}/quota", GetAsync).WithName("GetTenantQuota").WithSummary("A tenant's quota and what it uses (platform admin).");
        admin.MapPut("/{tenant}/quota", SetAsync).WithName("SetTenantQuota")
            .WithSummary("Sets a tenant's maximum members, memory (MB) and applications; null for no limit (platform admin). What runs is not stopped.");

        app.MapGroup("/api/v1").WithTags("Quotas").RequireAuthorization(PortalPolicies.ApiUser)
            .MapGet("/quota", MineAsync).WithName("GetMyQuota").WithSummary("Your tenant's quota and what it uses.");
        return app;
    }

    public static async Task<Results<Ok<QuotaResponse>, NotFound>> GetAsync(string tenant, TenantQuotas quotas, CancellationToken cancellationToken) =>
        await quotas.GetAsync(tenant, cancellationToken) is { } view ? TypedResults.Ok(QuotaResponse.From(view)) : TypedResults.NotFound();

    public static async Task<Results<Ok<QuotaResponse>, ProblemHttpResult>> SetAsync(
        string tenant, QuotaRequest request, TenantQuotas quotas, CancellationToken cancellationToken)
    {
        var result = await quotas.SetAsync(tenant, new TenantQuota(request.MaxMembers, request.MaxMemoryMb, request.MaxApplications), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(QuotaResponse.From(result.Value!)) : result.Failure!.Problem();
    }

    public static async Task<Ok<QuotaResponse>> MineAsync(TenantQuotas quotas, CurrentUser user, CancellationToken cancellationToken)
    {
        var (quota, usage) = await quotas.OfCallerAsync(cancellationToken);
        return TypedResults.Ok(QuotaResponse.From(new TenantQuotaView(user.Tenant ?? "", quota, usage)));
    }
}

/// <summary>A quota as sent: each maximum, or null for no limit.</summary>
public sealed record QuotaRequest(int? MaxMembers, int? MaxMemoryMb, int? MaxApplications);

public sealed record QuotaResponse(
    string Tenant, int? MaxMembers, int? MaxMemoryMb, int? MaxApplications, int Applications, int Members, long MemoryMb)
{
    public static QuotaResponse From(TenantQuotaView v) =>
        new(v.Tenant, v.Quota.MaxMembers, v.Quota.MaxMemoryMb, v.Quota.MaxApplications, v.Usage.Applications, v.Usage.Members, v.Usage.MemoryMb);
}
