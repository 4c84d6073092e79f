using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Portal.Core.Metering;
using Portal.Infrastructure.Metering;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// Metered usage per day and application: the caller's tenant's, or every tenant's for platform admins; JSON, or CSV
/// when asked with <c>Accept: text/csv</c>. The browser's "Download CSV" links use the cookie-authenticated copies
/// outside <c>/api</c> (<c>/usage/export.csv</c>, <c>/admin/usage/export.csv</c>): the API takes bearer tokens only.
/// </summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Usage").RequireAuthorization(PortalPolicies.ApiUser)
            .MapGet("/usage", MineAsync).WithName("GetMyUsage")
            .WithSummary("Your tenant's member-seconds and memory-GiB-seconds per UTC day and application, from `from` to `to` (yyyy-MM-dd, both " +
                "included; default: the last 30 days; at most 366), with totals. CSV with `Accept: text/csv`.");
        app.MapGroup("/api/v1/admin").WithTags("Usage").RequireAuthorization(PortalPolicies.ApiUser).RequireAuthorization(PortalPolicies.PlatformAdmin)
            .MapGet("/usage", AllTenantsAsync).WithName("GetAllUsage")
            .WithSummary("Every tenant's usage per day and application (platform admin), as `GET /api/v1/usage` with the tenant. CSV with `Accept: text/csv`.");

        // For the browser (cookie): the same CSV, as a download.
        app.MapGet("/usage/export.csv", (string? from, string? to, UsageReports reports, CurrentUser user, CancellationToken cancellationToken) =>
                CsvAsync(reports, user, from, to, allTenants: false, cancellationToken))
            .RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/admin/usage/export.csv", (string? from, string? to, UsageReports reports, CurrentUser user, CancellationToken cancellationToken) =>
                CsvAsync(reports, user, from, to, allTenants: true, cancellationToken))
            .RequireAuthorization(PortalPolicies.PlatformAdmin).ExcludeFromDescription();
        return app;
    }

    public static Task<Results<Ok<UsageResponse>, FileContentHttpResult, ProblemHttpResult>> MineAsync(
        HttpRequest request, UsageReports reports, CurrentUser user, CancellationToken cancellationToken, string? from = null, string? to = null) =>
        ReportAsync(request, reports, user, from, to, allTenants: false, cancellationToken);

    public static Task<Results<Ok<UsageResponse>, FileContentHttpResult, ProblemHttpResult>> AllTenantsAsync(
        HttpRequest request, UsageReports reports, CurrentUser user, CancellationToken cancellationToken, string? from = null, string? to = null) =>
        ReportAsync(request, reports, user, from, to, allTenants: true, cancellationToken);

    private static async Task<Results<Ok<UsageResponse>, FileContentHttpResult, ProblemHttpResult>> ReportAsync(
        HttpRequest request, UsageReports reports, CurrentUser user, string? from, string? to, bool allTenants, CancellationToken cancellationToken)
    {
        if (WantsCsv(request))
        {
            return await CsvAsync(reports, user, from, to, allTenants, cancellationToken);
        }

        var period = UsagePeriod.Parse(from, to, reports.Today);
        if (!period.Succeeded)
        {
            return period.Failure!.Problem();
        }

        var report = allTenants ? await reports.AllTenantsAsync(period.Value, cancellationToken) : await reports.MineAsync(period.Value, cancellationToken);
        return TypedResults.Ok(UsageResponse.Of(report));
    }

    private static async Task<Results<Ok<UsageResponse>, FileContentHttpResult, ProblemHttpResult>> CsvAsync(
        UsageReports reports, CurrentUser user, string? from, string? to, bool allTenants, CancellationToken cancellationToken)
    {
        var period = UsagePeriod.Parse(from, to, reports.Today);
        if (!period.Succeeded)
        {
            return period.Failure!.Problem();
        }

        var report = allTenants ? await reports.AllTenantsAsync(period.Value, cancellationToken) : await reports.MineAsync(period.Value, cancellationToken);
        var name = UsageCsv.FileName(allTenants ? "all" : user.Tenant ?? "tenant", period.Value);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(UsageCsv.Write(report, allTenants)), UsageCsv.ContentType + "; charset=utf-8", name);
    }

    /// <summary>CSV when the Accept header names <c>text/csv</c> (and not with a lower quality than JSON).</summary>
    private static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        double Quality(string type) => accepted.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var csv = Quality(UsageCsv.ContentType);
        return csv > 0 && csv >= Quality("application/json");
    }
}

/// <summary>Usage over a period: each day and application, and the totals (seconds; memory in GiB-seconds).</summary>
public sealed record UsageResponse(DateOnly From, DateOnly To, double MemberSeconds, double MemoryGibSeconds, IReadOnlyList<UsageRowResponse> Rows)
{
    public static UsageResponse Of(UsageReport r) =>
        new(r.Period.From, r.Period.To, r.MemberSeconds, r.MemoryGibSeconds,
            [.. r.Rows.Select(u => new UsageRowResponse(u.Day, u.Tenant, u.Application, u.ApplicationId, u.MemberSeconds, u.MemoryGibSeconds))]);
}

/// <summary>One application's usage on one UTC day; <c>tenant</c> only in the admin's report.</summary>
public sealed record UsageRowResponse(DateOnly Date, string? Tenant, string Application, Guid ApplicationId, double MemberSeconds, double MemoryGibSeconds);
