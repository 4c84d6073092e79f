using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Applications;
using Portal.Routing;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>Custom domains of applications: platform admins give any tenant's application more host names.</summary>
public static class DomainsApi
{
    public static IEndpointRouteBuilder MapDomainsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/domains").WithTags("Domains")
            .RequireAuthorization(PortalPolicies.ApiUser)
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        admin.MapGet("/", ListAsync).WithName("ListDomains").WithSummary("Every custom domain and the application it serves.");
        admin.MapPost("/", AddAsync).WithName("AddDomain")
            .WithSummary("Gives a tenant's application a custom domain; the router answers it within a second.");
        admin.MapDelete("/{host}", RemoveAsync).WithName("RemoveDomain").WithSummary("Takes a custom domain away from its application.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<CustomDomainView>>> ListAsync(ApplicationDomainService domains, CancellationToken cancellationToken) =>
        TypedResults.Ok(await domains.ListAsync(cancellationToken));

    public static async Task<Results<Created<CustomDomainView>, ProblemHttpResult>> AddAsync(
        AddDomainRequest request, ApplicationDomainService domains, IOptions<RouterOptions> router, CancellationToken cancellationToken)
    {
        var result = await domains.AddAsync(request.Host, request.Tenant, request.Application, router.Value.AppsDomain, cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/admin/domains/{result.Value!.Host}", result.Value)
            : result.Failure!.Problem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string host, ApplicationDomainService domains, CancellationToken cancellationToken)
    {
        var result = await domains.RemoveAsync(host, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }
}

public sealed record AddDomainRequest(
    [Required, MaxLength(253)] string Host,
    [Required, MaxLength(40)] string Tenant,
    [Required, MaxLength(40)] string Application);
