using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Partitions;
using Portal.Infrastructure.Partitions;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// The Docker engines members run on (partitions) and the deployment policies that spread members over them:
/// platform admins manage both; every signed-in user reads the policies' names to choose one for an application.
/// </summary>
public static class PartitionsApi
{
    public static IEndpointRouteBuilder MapPartitionsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Partitions")
            .RequireAuthorization(PortalPolicies.ApiUser)
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        admin.MapGet("/partitions", ListAsync).WithName("ListPartitions")
            .WithSummary("Every partition (Docker engine) with what the portal last saw of it.");
        admin.MapGet("/partitions/{name}", GetAsync).WithName("GetPartition").WithSummary("One partition.");
        admin.MapPost("/partitions", AddAsync).WithName("AddPartition")
            .WithSummary("Adds a Docker engine: unix:///path/to/docker.sock, or tcp://host:port with a TLS certificate folder.");
        admin.MapPut("/partitions/{name}", UpdateAsync).WithName("UpdatePartition")
            .WithSummary("Changes a partition's network partition (kept when not given), endpoint (only while nothing runs there) or TLS certificate folder. 'local' follows the configuration.");
        admin.MapDelete("/partitions/{name}", DeleteAsync).WithName("DeletePartition")
            .WithSummary("Deletes a partition no deployment policy names and nothing runs on (409 naming them). 'local' stays.");
        admin.MapGet("/network-partitions", ListNetworksAsync).WithName("ListNetworkPartitions")
            .WithSummary("Every network partition with the partitions it holds.");
        admin.MapDelete("/network-partitions/{name}", DeleteNetworkAsync).WithName("DeleteNetworkPartition")
            .WithSummary("Deletes a network partition that holds no partition (409 naming those it holds). 'local' stays.");
        admin.MapPost("/partitions/{name}/test", TestAsync).WithName("TestPartition")
            .WithSummary("Asks the partition's engine for its version now and records the answer.");
        admin.MapPut("/deployment-policies/{name}", SetPolicyAsync).WithName("SetDeploymentPolicy")
            .WithSummary("Creates or replaces a deployment policy: its algorithm and its partitions in order.");
        admin.MapDelete("/deployment-policies/{name}", DeletePolicyAsync).WithName("DeleteDeploymentPolicy")
            .WithSummary("Deletes a deployment policy no application is placed by (one in use: 409 naming them). 'default' stays.");

        app.MapGroup("/api/v1/deployment-policies").WithTags("Partitions").RequireAuthorization(PortalPolicies.ApiUser)
            .MapGet("/", ListPoliciesAsync).WithName("ListDeploymentPolicies")
            .WithSummary("The deployment policies an application can be created with.");
        return app;
    }

    public static async Task<Ok<IEnumerable<PartitionResponse>>> ListAsync(PartitionCatalogue catalogue, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalogue.ListAsync(cancellationToken)).Select(PartitionResponse.From));

    public static async Task<Results<Ok<PartitionResponse>, NotFound>> GetAsync(
        string name, PartitionCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.FindAsync(name, cancellationToken) is { } partition
            ? TypedResults.Ok(PartitionResponse.From(partition))
            : TypedResults.NotFound();

    public static async Task<Results<Created<PartitionResponse>, ProblemHttpResult>> AddAsync(
        AddPartitionRequest request, PartitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.AddAsync(
            request.Name, string.IsNullOrWhiteSpace(request.NetworkPartition) ? PartitionCatalogue.LocalName : request.NetworkPartition,
            request.Endpoint, request.TlsCertificateDirectory, cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/admin/partitions/{result.Value!.Name}", PartitionResponse.From(result.Value))
            : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<PartitionResponse>, ProblemHttpResult>> UpdateAsync(
        string name, UpdatePartitionRequest request, PartitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.UpdateAsync(
            name, string.IsNullOrWhiteSpace(request.NetworkPartition) ? null : request.NetworkPartition,
            request.Endpoint, request.TlsCertificateDirectory, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(PartitionResponse.From(result.Value!)) : result.Failure!.Problem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, PartitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.DeleteAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }

    public static async Task<Ok<IEnumerable<NetworkPartitionResponse>>> ListNetworksAsync(PartitionCatalogue catalogue, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalogue.ListNetworkPartitionsAsync(cancellationToken)).Select(n => new NetworkPartitionResponse(n.Name, n.Partitions)));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteNetworkAsync(
        string name, PartitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.DeleteNetworkPartitionAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<PartitionStatusResponse>, NotFound>> TestAsync(
        string name, PartitionCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.FindAsync(name, cancellationToken) is { } partition
            ? TypedResults.Ok(PartitionStatusResponse.From(await catalogue.TestAsync(partition.Id, cancellationToken)))
            : TypedResults.NotFound();

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePolicyAsync(
        string name, PartitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.DeletePolicyAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }

    public static async Task<Ok<IEnumerable<DeploymentPolicyResponse>>> ListPoliciesAsync(PartitionCatalogue catalogue, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalogue.ListPoliciesAsync(cancellationToken)).Select(DeploymentPolicyResponse.From));

    public static async Task<Results<Ok<DeploymentPolicyResponse>, ProblemHttpResult>> SetPolicyAsync(
        string name, SetDeploymentPolicyRequest request, PartitionCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (request.Partitions!.Any(p => p is null))
        {
            return new Core.Common.Failure(Core.Common.FailureKind.Validation, "The deployment policy is not valid.",
                new Dictionary<string, string[]> { ["partitions"] = ["Every entry needs a partition and its max members."] }).Problem();
        }

        var result = await catalogue.SetPolicyAsync(
            name, request.Algorithm!.Value,
            [.. request.Partitions!.Select(p => new PolicySlot(p.Partition, p.MaxMembers!.Value, p.Burst ?? false))],
            cancellationToken);
        return result.Succeeded ? TypedResults.Ok(DeploymentPolicyResponse.From(result.Value!)) : result.Failure!.Problem();
    }
}

public sealed record AddPartitionRequest(
    [Required, MaxLength(40)] string Name,
    [MaxLength(40)] string? NetworkPartition,
    [Required, MaxLength(255)] string Endpoint,
    [MaxLength(255)] string? TlsCertificateDirectory);

public sealed record UpdatePartitionRequest(
    [MaxLength(40)] string? NetworkPartition,
    [Required, MaxLength(255)] string Endpoint,
    [MaxLength(255)] string? TlsCertificateDirectory);

public sealed record NetworkPartitionResponse(string Name, IReadOnlyList<string> Partitions);

public sealed record SetDeploymentPolicyRequest(
    [Required] PartitionAlgorithm? Algorithm,
    [Required, MaxLength(20)] List<PolicyPartitionRequest>? Partitions);

public sealed record PolicyPartitionRequest(
    [Required, MaxLength(40)] string Partition,
    [Required] int? MaxMembers,
    bool? Burst);

public sealed record PartitionStatusResponse(bool Reachable, string? Reason, DateTimeOffset CheckedAt)
{
    public static PartitionStatusResponse From(PartitionStatus s) => new(s.Reachable, s.Reason, s.CheckedAt);
}

/// <summary>A partition; <c>status</c> is null until the portal has asked its engine (within seconds of adding it).</summary>
public sealed record PartitionResponse(
    string Name, string NetworkPartition, string Endpoint, string? TlsCertificateDirectory, PartitionStatusResponse? Status)
{
    public static PartitionResponse From(PartitionView p) =>
        new(p.Name, p.NetworkPartition, p.Endpoint, p.TlsCertificateDirectory, p.Status is { } s ? PartitionStatusResponse.From(s) : null);
}

public sealed record DeploymentPolicyResponse(string Name, PartitionAlgorithm Algorithm, IReadOnlyList<PolicyPartitionResponse> Partitions)
{
    public static DeploymentPolicyResponse From(DeploymentPolicyView p) =>
        new(p.Name, p.Algorithm, [.. p.Partitions.Select(x => new PolicyPartitionResponse(x.Partition, x.MaxMembers, x.Burst))]);
}

public sealed record PolicyPartitionResponse(string Partition, int MaxMembers, bool Burst);
