using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Applications;
using Portal.Core.Common;
using Portal.Infrastructure.Applications;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// What happened to one of the caller's applications: its events (members, releases, scaling), newest first, and its
/// up and down time. Another tenant's application answers 404.
/// </summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var applications = app.MapGroup("/api/v1/applications").WithTags("Events").RequireAuthorization(PortalPolicies.ApiUser);
        applications.MapGet("/{name}/events", EventsAsync).WithName("ListApplicationEvents")
            .WithSummary("The application's events, newest first: members created, active, draining, faulted, terminated; releases; scaling. " +
                "`since` (default: a week ago) and `limit` (default 100, at most 1000).");
        applications.MapGet("/{name}/availability", AvailabilityAsync).WithName("GetApplicationAvailability")
            .WithSummary("Up time (a member serving) and down time (none serving) over the last `hours` (default 24, at most 720), per member too.");
        return app;
    }

    public static async Task<Results<Ok<IEnumerable<ApplicationEventResponse>>, NotFound, ProblemHttpResult>> EventsAsync(
        string name, ApplicationHistory history, CancellationToken cancellationToken, DateTimeOffset? since = null, int? limit = null)
    {
        if (limit is < 1 or > ApplicationHistory.MaxEvents)
        {
            return Failure.Validation("limit", $"limit must be between 1 and {ApplicationHistory.MaxEvents}.").Problem();
        }

        return await history.EventsAsync(name, since, limit ?? 100, cancellationToken) is { } events
            ? TypedResults.Ok(events.Select(ApplicationEventResponse.From))
            : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<AvailabilityResponse>, NotFound, ProblemHttpResult>> AvailabilityAsync(
        string name, ApplicationHistory history, CancellationToken cancellationToken, double? hours = null)
    {
        if (hours is { } h && (!double.IsFinite(h) || h <= 0 || h > 720))
        {
            return Failure.Validation("hours", "hours must be more than 0 and at most 720 (30 days).").Problem();
        }

        return await history.AvailabilityAsync(name, TimeSpan.FromHours(hours ?? 24), cancellationToken) is { } availability
            ? TypedResults.Ok(AvailabilityResponse.Of(availability))
            : TypedResults.NotFound();
    }
}

/// <summary>One event: its kind (memberCreated, memberActive, memberDraining, memberFaulted, memberTerminated, releaseQueued, releaseSucceeded, releaseFailed, releaseSuperseded, scaledUp, scaledDown, scalingHeld), the member it concerns, when and what.</summary>
public sealed record ApplicationEventResponse(ApplicationEventKind Kind, Guid? Member, DateTimeOffset Time, string Detail)
{
    public static ApplicationEventResponse From(ApplicationEvent e) => new(e.Kind, e.MemberId, e.At, e.Detail);
}

public sealed record AvailabilityResponse(
    DateTimeOffset From, DateTimeOffset To, double UpSeconds, double DownSeconds, double? UpPercent, IReadOnlyList<MemberAvailabilityResponse> Members)
{
    public static AvailabilityResponse Of(ApplicationAvailability a) =>
        new(a.From, a.To, a.Up.TotalSeconds, a.Down.TotalSeconds, a.UpPercent,
            [.. a.Members.Select(m => new MemberAvailabilityResponse(m.MemberId, m.Up.TotalSeconds, m.Down.TotalSeconds))]);
}

public sealed record MemberAvailabilityResponse(Guid Member, double UpSeconds, double DownSeconds);
