using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Releases;
using Portal.Routing;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>The caller's applications. Another tenant's application answers 404, as if it did not exist.</summary>
public static class ApplicationsApi
{
    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/applications").WithTags("Applications").RequireAuthorization(PortalPolicies.ApiUser);

        api.MapGet("/", ListAsync).WithName("ListApplications").WithSummary("Your tenant's applications.");
        api.MapGet("/{name}", GetAsync).WithName("GetApplication").WithSummary("One application with its members and links.");
        api.MapPost("/", CreateAsync).WithName("CreateApplication")
            .WithSummary("Creates an application from a cartridge; its members start within seconds.");
        api.MapPost("/{name}/scale", ScaleAsync).WithName("ScaleApplication")
            .WithSummary("Sets how many members run (between the application's min and max).");
        api.MapPut("/{name}/routing", SetRoutingAsync).WithName("SetApplicationRouting")
            .WithSummary("Sets how the router spreads requests: roundRobin or leastRequests, and sticky sessions (a cookie).");
        api.MapPut("/{name}/link", SetLinkAsync).WithName("SetApplicationLink")
            .WithSummary("Links the application to a data application of yours (database: its name) or unlinks it (database: null); "
                         + "its members are replaced by ones with the new DB_* variables, without dropping requests.");
        api.MapDelete("/{name}", DeleteAsync).WithName("DeleteApplication")
            .WithSummary("Deletes an application, its members and, for a data application, its data (tenant admin).")
            .RequireAuthorization(PortalPolicies.TenantAdmin);
        return app;
    }

    public static async Task<Ok<IEnumerable<ApplicationSummaryResponse>>> ListAsync(ApplicationService applications, CancellationToken cancellationToken) =>
        TypedResults.Ok((await applications.ListAsync(cancellationToken)).Select(ApplicationSummaryResponse.From));

    public static async Task<Results<Ok<ApplicationResponse>, NotFound>> GetAsync(
        string name, ApplicationService applications, IOptions<RouterOptions> router, HttpRequest http, CancellationToken cancellationToken) =>
        await applications.GetAsync(name, cancellationToken) is { } details
            ? TypedResults.Ok(ApplicationResponse.From(details, router.Value, http))
            : TypedResults.NotFound();

    /// <summary>
    /// Creates the application; with a repository, also links it (checked by fetching) and deploys its branch's head.
    /// A repository that cannot be linked leaves no application behind.
    /// </summary>
    public static async Task<Results<Created<ApplicationResponse>, ProblemHttpResult>> CreateAsync(
        CreateApplicationRequest request, ApplicationService applications, ReleaseService releases, CurrentUser user,
        IOptions<RouterOptions> router, HttpRequest http, CancellationToken cancellationToken)
    {
        if (request.Repository is { } repository && RepositoryLink.Check(repository.Url, repository.Branch, repository.Username, repository.Password) is { } invalid)
        {
            return invalid.Problem();
        }

        var result = await applications.CreateAsync(
            new CreateApplication(request.Name, request.Cartridge, request.MinMembers, request.MaxMembers, request.Links, request.DeploymentPolicy,
                request.LoadBalancing, request.StickySessions, request.AutoscalingPolicy, request.StartAfter, request.Schema),
            cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure!.Problem();
        }

        string? secret = null;
        if (request.Repository is not null)
        {
            Result<RepositoryLinked> linked;
            try
            {
                linked = await releases.LinkAsync(request.Name, request.Repository.ToInput(), user.Email ?? "a user", cancellationToken);
            }
            catch
            {
                await applications.DeleteAsync(request.Name, CancellationToken.None); // all or nothing, whatever stopped it
                throw;
            }

            if (!linked.Succeeded)
            {
                await applications.DeleteAsync(request.Name, CancellationToken.None);
                return linked.Failure!.Problem();
            }

            secret = linked.Value!.WebhookSecret;
        }

        var details = (await applications.GetAsync(request.Name, cancellationToken))!;
        return TypedResults.Created($"/api/v1/applications/{details.Summary.Name}", ApplicationResponse.From(details, router.Value, http, secret));
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> ScaleAsync(
        string name, ScaleRequest request, ApplicationService applications, IOptions<RouterOptions> router, HttpRequest http, CancellationToken cancellationToken)
    {
        var result = await applications.ScaleAsync(name, request.Members!.Value, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ApplicationResponse.From(result.Value!, router.Value, http)) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> SetRoutingAsync(
        string name, RoutingRequest request, ApplicationService applications, IOptions<RouterOptions> router, HttpRequest http, CancellationToken cancellationToken)
    {
        var result = await applications.SetRoutingAsync(name, request.LoadBalancing!.Value, request.StickySessions ?? false, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ApplicationResponse.From(result.Value!, router.Value, http)) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> SetLinkAsync(
        string name, LinkRequest request, ApplicationService applications, IOptions<RouterOptions> router, HttpRequest http, CancellationToken cancellationToken)
    {
        var result = await applications.SetLinkAsync(name, request.Database, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ApplicationResponse.From(result.Value!, router.Value, http)) : result.Failure!.Problem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, ApplicationService applications, CancellationToken cancellationToken)
    {
        var result = await applications.DeleteAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }
}

public sealed record CreateApplicationRequest(
    [Required, MaxLength(40)] string Name,
    [Required, MaxLength(40)] string Cartridge,
    int? MinMembers,
    int? MaxMembers,
    [MaxLength(8)] List<string>? Links,
    [MaxLength(40)] string? DeploymentPolicy,
    LoadBalancingAlgorithm? LoadBalancing,
    bool? StickySessions,
    RepositoryRequest? Repository,
    [MaxLength(40)] string? AutoscalingPolicy = null,
    [MaxLength(8)] List<string>? StartAfter = null,
    string? Schema = null);

public sealed record ScaleRequest([Required] int? Members);

/// <summary>The data application to link to; null (or absent) to unlink.</summary>
public sealed record LinkRequest([MaxLength(40)] string? Database);

public sealed record RoutingRequest([Required] LoadBalancingAlgorithm? LoadBalancing, bool? StickySessions);

public sealed record ApplicationSummaryResponse(
    string Name, string Cartridge, CartridgeCategory Category, ApplicationStatus Status, int MinMembers, int MaxMembers,
    int DesiredMembers, int ActiveMembers, IReadOnlyList<string> Links, DateTimeOffset CreatedAt)
{
    public static ApplicationSummaryResponse From(ApplicationSummary s) =>
        new(s.Name, s.Cartridge, s.Category, s.Status, s.MinMembers, s.MaxMembers, s.DesiredMembers, s.ActiveMembers,
            s.LinkedTo is null ? [] : [s.LinkedTo], s.CreatedAt);
}

public sealed record ApplicationResponse(
    string Name, string Cartridge, CartridgeCategory Category, ApplicationStatus Status, string? Problem,
    int MinMembers, int MaxMembers, int DesiredMembers, int ActiveMembers, IReadOnlyList<string> Links,
    IReadOnlyList<string> LinkedBy, string DeploymentPolicy, IReadOnlyList<MemberResponse> Members,
    IReadOnlyList<MemberResponse> RecentlyFaulted, RoutingResponse Routing, RepositoryResponse? Repository,
    WebhookResponse? Webhook, CurrentReleaseResponse? Release, string? AutoscalingPolicy, IReadOnlyList<string> StartAfter, string? Schema,
    DateTimeOffset CreatedAt)
{
    /// <summary>The application; <paramref name="webhookSecret"/> only right after it was made (linking, regenerating).</summary>
    public static ApplicationResponse From(ApplicationDetails d, RouterOptions router, HttpRequest http, string? webhookSecret = null)
    {
        var s = d.Summary;
        return new(s.Name, s.Cartridge, s.Category, s.Status, d.Problem, s.MinMembers, s.MaxMembers, s.DesiredMembers,
            s.ActiveMembers, s.LinkedTo is null ? [] : [s.LinkedTo], d.LinkedBy, d.DeploymentPolicy,
            [.. d.Members.Select(MemberResponse.From)], [.. d.RecentlyFaulted.Select(MemberResponse.From)],
            RoutingResponse.From(s.Name, d.Routing, router),
            d.Repository is { } repository ? RepositoryResponse.From(repository) : null,
            d.Repository is null ? null : new WebhookResponse(WebhookResponse.UrlOf(http, d.Routing.Tenant, s.Name), webhookSecret),
            d.Release is { } release ? CurrentReleaseResponse.From(release) : null,
            d.AutoscalingPolicy,
            d.StartAfter ?? [],
            d.Schema,
            s.CreatedAt);
    }
}

/// <summary>Where the router serves the application (its own host name first, then custom domains) and how.</summary>
public sealed record RoutingResponse(string Url, IReadOnlyList<string> Hosts, LoadBalancingAlgorithm LoadBalancing, bool StickySessions)
{
    public static RoutingResponse From(string application, ApplicationRouting routing, RouterOptions router)
    {
        var host = router.HostOf(application, routing.Tenant);
        return new(router.UrlOf(host), [host, .. routing.CustomDomains], routing.LoadBalancing, routing.StickySessions);
    }
}

public sealed record MemberResponse(
    Guid Id, MemberState State, string Partition, DateTimeOffset CreatedAt, DateTimeOffset? Started,
    DateTimeOffset? ActiveAt, DateTimeOffset? FaultedAt, string? FaultReason)
{
    public static MemberResponse From(MemberView m) =>
        new(m.Id, m.State, m.Partition, m.CreatedAt, m.StartedAt, m.ActiveAt, m.FaultedAt, m.FaultReason);
}
