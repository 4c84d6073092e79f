using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Monitoring;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// One of the caller's applications' health over time: CPU %, memory %, requests in flight and per second, for the
/// application and each member, oldest first. Another tenant's application answers 404.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/applications").WithTags("Health").RequireAuthorization(PortalPolicies.ApiUser)
            .MapGet("/{name}/health", GetAsync).WithName("GetApplicationHealth")
            .WithSummary("The application's and its members' samples over the last `minutes` (default 15, at most 10080: a week), oldest first. " +
                "CPU and memory are percent of each member's limits (the application's: the members' mean). Periods over 20 minutes are averaged over even steps " +
                "(at most 240 samples per series; `seconds` says over how long); the portal keeps raw samples for about an hour, then 5-minute averages for a week.");
        return app;
    }

    public static async Task<Results<Ok<HealthResponse>, NotFound, ProblemHttpResult>> GetAsync(
        string name, ApplicationHealth health, CancellationToken cancellationToken, double? minutes = null)
    {
        if (minutes is { } m && (!double.IsFinite(m) || m <= 0 || m > ApplicationHealth.MaxPeriod.TotalMinutes))
        {
            return Failure.Validation("minutes", $"minutes must be more than 0 and at most {ApplicationHealth.MaxPeriod.TotalMinutes:0} (a week).").Problem();
        }

        return await health.GetAsync(name, TimeSpan.FromMinutes(minutes ?? 15), cancellationToken) is { } view
            ? TypedResults.Ok(HealthResponse.Of(view))
            : TypedResults.NotFound();
    }
}

public sealed record HealthResponse(
    string Application, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HealthSampleResponse> Samples, IReadOnlyList<MemberHealthResponse> Members)
{
    public static HealthResponse Of(ApplicationHealthView view) =>
        new(view.Application, view.From, view.To, [.. view.Samples.Select(HealthSampleResponse.Of)],
            [.. view.Members.Select(m => new MemberHealthResponse(m.Key, [.. m.Value.Select(HealthSampleResponse.Of)]))]);
}

public sealed record MemberHealthResponse(Guid Member, IReadOnlyList<HealthSampleResponse> Samples);

/// <summary>One sample: when, over how many seconds (0: one reading), and the figures (CPU and memory null when not measured).</summary>
public sealed record HealthSampleResponse(
    DateTimeOffset At, int Seconds, double? CpuPercent, double? MemoryPercent, double RequestsInFlight, double RequestsPerSecond)
{
    public static HealthSampleResponse Of(MetricSample s) =>
        new(s.At, s.Seconds, Round(s.CpuPercent), Round(s.MemoryPercent), Math.Round(s.RequestsInFlight, 2), Math.Round(s.RequestsPerSecond, 2));

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
