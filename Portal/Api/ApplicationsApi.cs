using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Portal.Infrastructure.Applications;
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
        api.MapDelete("/{name}", DeleteAsync).WithName("DeleteApplication")
            .WithSummary("Deletes an application, its members and, for a data application, its data (tenant admin).")
            .RequireAuthorization(PortalPolicies.TenantAdmin);
        return app;
    }

    public static async Task<Ok<IEnumerable<ApplicationSummaryResponse>>> ListAsync(ApplicationService applications, CancellationToken cancellationToken) =>
        TypedResults.Ok((await applications.ListAsync(cancellationToken)).Select(ApplicationSummaryResponse.From));

    public static async Task<Results<Ok<ApplicationResponse>, NotFound>> GetAsync(
        string name, ApplicationService applications, IOptions<RouterOptions> router, CancellationToken cancellationToken) =>
        await applications.GetAsync(name, cancellationToken) is { } details
            ? TypedResults.Ok(ApplicationResponse.From(details, router.Value))
            : TypedResults.NotFound();

    public static async Task<Results<Created<ApplicationResponse>, ProblemHttpResult>> CreateAsync(
        CreateApplicationRequest request, ApplicationService applications, IOptions<RouterOptions> router, CancellationToken cancellationToken)
    {
        var result = await applications.CreateAsync(
            new CreateApplication(request.Name, request.Cartridge, request.MinMembers, request.MaxMembers, request.Links, request.DeploymentPolicy,
                request.LoadBalancing, request.StickySessions),
            cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/applications/{result.Value!.Summary.Name}", ApplicationResponse.From(result.Value, router.Value))
            : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> ScaleAsync(
        string name, ScaleRequest request, ApplicationService applications, IOptions<RouterOptions> router, CancellationToken cancellationToken)
    {
        var result = await applications.ScaleAsync(name, request.Members!.Value, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ApplicationResponse.From(result.Value!, router.Value)) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<ApplicationResponse>, ProblemHttpResult>> SetRoutingAsync(
        string name, RoutingRequest request, ApplicationService applications, IOptions<RouterOptions> router, CancellationToken cancellationToken)
    {
        var result = await applications.SetRoutingAsync(name, request.LoadBalancing!.Value, request.StickySessions ?? false, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(ApplicationResponse.From(result.Value!, router.Value)) : result.Failure!.Problem();
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
    bool? StickySessions);

public sealed record ScaleRequest([Required] int? Members);

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
    IReadOnlyList<MemberResponse> RecentlyFaulted, RoutingResponse Routing, DateTimeOffset CreatedAt)
{
    public static ApplicationResponse From(ApplicationDetails d, RouterOptions router)
    {
        var s = d.Summary;
        return new(s.Name, s.Cartridge, s.Category, s.Status, d.Problem, s.MinMembers, s.MaxMembers, s.DesiredMembers,
            s.ActiveMembers, s.LinkedTo is null ? [] : [s.LinkedTo], d.LinkedBy, d.DeploymentPolicy,
            [.. d.Members.Select(MemberResponse.From)], [.. d.RecentlyFaulted.Select(MemberResponse.From)],
            RoutingResponse.From(s.Name, d.Routing, router), s.CreatedAt);
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
