using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Core.Releases;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Releases;
using Portal.Routing;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>An application's repository, webhook secret and releases. Another tenant's application answers 404.</summary>
public static class ReleasesApi
{
    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/applications/{name}").WithTags("Releases").RequireAuthorization(PortalPolicies.ApiUser);

        api.MapPut("/repository", LinkAsync).WithName("LinkRepository")
            .WithSummary("Links a git repository (checked by fetching it) and deploys its branch's head; answers the webhook secret this once.");
        api.MapPost("/webhook/regenerate", RegenerateAsync).WithName("RegenerateWebhookSecret")
            .WithSummary("A new webhook secret; the old one stops working at once.");
        api.MapGet("/releases", ListAsync).WithName("ListReleases").WithSummary("The application's releases, newest first.");
        api.MapGet("/releases/{id:guid}", GetAsync).WithName("GetRelease").WithSummary("One release with its steps.");
        api.MapPost("/releases", DeployAsync).WithName("DeployRelease")
            .WithSummary("Deploys the branch's head, or a given commit, with zero downtime.");
        api.MapPost("/releases/{id:guid}/rollback", RollBackAsync).WithName("RollBackRelease")
            .WithSummary("Deploys an earlier successful release again, without a build.");
        return app;
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> LinkAsync(
        string name, RepositoryRequest request, ReleaseService releases, ApplicationService applications, CurrentUser user,
        IOptions<RouterOptions> router, HttpRequest http, CancellationToken cancellationToken)
    {
        var linked = await releases.LinkAsync(name, request.ToInput(), user.Email ?? "a user", cancellationToken);
        if (!linked.Succeeded)
        {
            return linked.Failure!.Problem();
        }

        var details = (await applications.GetAsync(name, cancellationToken))!;
        return TypedResults.Ok(ApplicationResponse.From(details, router.Value, http, linked.Value!.WebhookSecret));
    }

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> RegenerateAsync(
        string name, ReleaseService releases, CurrentUser user, HttpRequest http, CancellationToken cancellationToken)
    {
        var secret = await releases.RegenerateWebhookSecretAsync(name, cancellationToken);
        return secret.Succeeded
            ? TypedResults.Ok(new WebhookResponse(WebhookResponse.UrlOf(http, user.Tenant!, name), secret.Value))
            : secret.Failure!.Problem();
    }

    public static async Task<Results<Ok<IEnumerable<ReleaseResponse>>, ProblemHttpResult>> ListAsync(
        string name, ReleaseService releases, CancellationToken cancellationToken)
    {
        var list = await releases.ListAsync(name, cancellationToken);
        return list.Succeeded ? TypedResults.Ok(list.Value!.Select(ReleaseResponse.From)) : list.Failure!.Problem();
    }

    public static async Task<Results<Ok<ReleaseResponse>, ProblemHttpResult>> GetAsync(
        string name, Guid id, ReleaseService releases, CancellationToken cancellationToken)
    {
        var release = await releases.GetAsync(name, id, cancellationToken);
        return release.Succeeded ? TypedResults.Ok(ReleaseResponse.From(release.Value!)) : release.Failure!.Problem();
    }

    public static async Task<Results<Accepted<ReleaseResponse>, ProblemHttpResult>> DeployAsync(
        string name, DeployRequest? request, ReleaseService releases, CurrentUser user, CancellationToken cancellationToken)
    {
        var release = await releases.DeployAsync(name, request?.Commit, user.Email ?? "a user", cancellationToken);
        return release.Succeeded
            ? TypedResults.Accepted($"/api/v1/applications/{name}/releases/{release.Value!.Id}", ReleaseResponse.From(release.Value))
            : release.Failure!.Problem();
    }

    public static async Task<Results<Accepted<ReleaseResponse>, ProblemHttpResult>> RollBackAsync(
        string name, Guid id, ReleaseService releases, CurrentUser user, CancellationToken cancellationToken)
    {
        var release = await releases.RollBackAsync(name, id, user.Email ?? "a user", cancellationToken);
        return release.Succeeded
            ? TypedResults.Accepted($"/api/v1/applications/{name}/releases/{release.Value!.Id}", ReleaseResponse.From(release.Value))
            : release.Failure!.Problem();
    }
}

public sealed record RepositoryRequest(
    [Required, MaxLength(500)] string Url,
    [MaxLength(200)] string? Branch,
    [MaxLength(200)] string? Username,
    [MaxLength(800)] string? Password,
    [Range(0, 86400)] int? PollIntervalSeconds)
{
    public RepositoryInput ToInput() =>
        new(Url, Branch, Username, Password, PollIntervalSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null);
}

public sealed record DeployRequest([MaxLength(64)] string? Commit);

/// <summary>Where git hosts deliver pushes; the secret only when it was just made.</summary>
public sealed record WebhookResponse(string Url, string? Secret)
{
    public static string UrlOf(HttpRequest http, string tenant, string application) =>
        $"{http.Scheme}://{http.Host}{http.PathBase}{GitHookPaths.Of(tenant, application)}";
}

public sealed record RepositoryResponse(string Url, string Branch, string? Username, bool HasPassword, int? PollIntervalSeconds, DateTimeOffset LinkedAt)
{
    public static RepositoryResponse From(RepositoryView r) =>
        new(r.Url, r.Branch, r.Username, r.HasPassword, r.PollInterval is { } p ? (int)p.TotalSeconds : null, r.LinkedAt);
}

/// <summary>The release serving now, in short.</summary>
public sealed record CurrentReleaseResponse(Guid Id, int Number, string? Commit, string? Subject, DateTimeOffset? DeployedAt)
{
    public static CurrentReleaseResponse From(ReleaseView r) => new(r.Id, r.Number, r.CommitId, r.Subject, r.FinishedAt);
}

public sealed record ReleaseResponse(
    Guid Id, int Number, ReleaseState State, ReleaseTrigger Trigger, string TriggeredBy, string? Commit, string? Subject,
    string? Author, string? Image, IReadOnlyList<ReleaseStepResponse> Steps, string? Error, string? Log, Guid? RollbackOf,
    bool Serving, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    public static ReleaseResponse From(ReleaseView r) =>
        new(r.Id, r.Number, r.State, r.Trigger, r.TriggeredBy, r.CommitId, r.Subject, r.Author, r.Image,
            [.. r.Steps.Select(s => new ReleaseStepResponse(s.Name, s.StartedAt, s.EndedAt, s.Duration?.TotalMilliseconds, s.Detail))],
            r.Error, r.Log, r.RollbackOf, r.Serving, r.CreatedAt, r.FinishedAt);
}

public sealed record ReleaseStepResponse(string Name, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationMs, string? Detail);
