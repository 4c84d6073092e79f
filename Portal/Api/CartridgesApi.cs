using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Cartridges;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>The cartridge catalogue: everyone reads it, platform admins register new cartridges.</summary>
public static class CartridgesApi
{
    public static IEndpointRouteBuilder MapCartridgesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/cartridges").WithTags("Cartridges").RequireAuthorization(PortalPolicies.ApiUser);

        api.MapGet("/", ListAsync).WithName("ListCartridges").WithSummary("The runtimes applications can be created from.");
        api.MapGet("/{name}", GetAsync).WithName("GetCartridge").WithSummary("One cartridge.");
        api.MapPost("/", RegisterAsync).WithName("RegisterCartridge")
            .WithSummary("Registers a cartridge: any image, its port and health check (platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        api.MapPut("/{name}", UpdateAsync).WithName("UpdateCartridge")
            .WithSummary("Changes a registered cartridge; the members of every application running it are replaced as in a rollout (platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        api.MapDelete("/{name}", DeleteAsync).WithName("DeleteCartridge")
            .WithSummary("Deletes a registered cartridge no application runs and no group holds (in use: 409 naming them; built-in ones stay; platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);

        var groups = app.MapGroup("/api/v1/cartridge-groups").WithTags("Cartridges").RequireAuthorization(PortalPolicies.ApiUser);
        groups.MapGet("/", ListGroupsAsync).WithName("ListCartridgeGroups")
            .WithSummary("Cartridge groups (imported from Stratos): their cartridges and startup orders.");
        groups.MapDelete("/{name}", DeleteGroupAsync).WithName("DeleteCartridgeGroup")
            .WithSummary("Deletes a cartridge group; applications made from it keep running and keep their startup order (platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        return app;
    }

    public static async Task<Ok<IEnumerable<CartridgeResponse>>> ListAsync(CartridgeCatalogue catalogue, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalogue.ListAsync(cancellationToken)).Select(CartridgeResponse.From));

    public static async Task<Results<Ok<CartridgeResponse>, NotFound>> GetAsync(
        string name, CartridgeCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.FindAsync(name, cancellationToken) is { } cartridge
            ? TypedResults.Ok(CartridgeResponse.From(cartridge))
            : TypedResults.NotFound();

    public static async Task<Results<Created<CartridgeResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterCartridgeRequest request, CartridgeCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.RegisterAsync(request.ToDefinition(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/cartridges/{result.Value!.Name}", CartridgeResponse.From(result.Value))
            : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<CartridgeResponse>, ProblemHttpResult>> UpdateAsync(
        string name, RegisterCartridgeRequest request, CartridgeCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.UpdateAsync(name, request.ToDefinition(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(CartridgeResponse.From(result.Value!.Cartridge)) : result.Failure!.Problem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, CartridgeCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.DeleteAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }

    public static async Task<Ok<IEnumerable<CartridgeGroupResponse>>> ListGroupsAsync(CartridgeCatalogue catalogue, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalogue.ListGroupsAsync(cancellationToken)).Select(g =>
            new CartridgeGroupResponse(g.Name, g.Cartridges, [.. g.StartupOrders.Select(CartridgeGroup.Aliases)])));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteGroupAsync(
        string name, CartridgeCatalogue catalogue, CancellationToken cancellationToken)
    {
        var result = await catalogue.DeleteGroupAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }
}

/// <summary>A cartridge group: its cartridges and its startup orders (each: aliases, first to start first).</summary>
public sealed record CartridgeGroupResponse(string Name, IReadOnlyList<string> Cartridges, IReadOnlyList<IReadOnlyList<string>> StartupOrders);

public sealed record RegisterCartridgeRequest(
    [Required, MaxLength(40)] string Name,
    [Required, MaxLength(100)] string DisplayName,
    [Required, MaxLength(40)] string Version,
    CartridgeCategory? Category,
    [Required, MaxLength(255)] string Image,
    [Required] int? ContainerPort,
    HealthCheckKind? HealthCheck,
    [MaxLength(256)] string? HealthCheckPath,
    Dictionary<string, string>? Environment,
    double? CpuLimit,
    int? MemoryLimitMb,
    [MaxLength(256)] string? PersistencePath,
    List<string>? ExportedVariables)
{
    /// <summary>The definition asked for; what the request leaves out keeps the definition's defaults.</summary>
    public CartridgeDefinition ToDefinition()
    {
        var definition = new CartridgeDefinition
        {
            Name = Name,
            DisplayName = DisplayName,
            Version = Version,
            Image = Image,
            ContainerPort = ContainerPort ?? 0,
            Environment = Environment ?? [],
            PersistencePath = PersistencePath,
            ExportedVariables = ExportedVariables ?? [],
        };
        return definition with
        {
            Category = Category ?? definition.Category,
            HealthCheck = HealthCheck ?? definition.HealthCheck,
            HealthCheckPath = HealthCheckPath ?? definition.HealthCheckPath,
            CpuLimit = CpuLimit ?? definition.CpuLimit,
            MemoryLimitMb = MemoryLimitMb ?? definition.MemoryLimitMb,
        };
    }
}

public sealed record CartridgeResponse(
    string Name, string DisplayName, string Version, CartridgeCategory Category, string Image, int ContainerPort,
    HealthCheckKind HealthCheck, string? HealthCheckPath, IReadOnlyDictionary<string, string> Environment,
    double CpuLimit, int MemoryLimitMb, string? PersistencePath, IReadOnlyList<string> ExportedVariables, bool BuiltIn)
{
    public static CartridgeResponse From(Cartridge c) =>
        new(c.Name, c.DisplayName, c.Version, c.Category, c.Image, c.ContainerPort, c.HealthCheck, c.HealthCheckPath,
            c.Environment, c.CpuLimit, c.MemoryLimitMb, c.PersistencePath, c.ExportedVariables, c.BuiltIn);
}
