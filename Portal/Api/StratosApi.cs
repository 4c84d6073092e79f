using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;
using Portal.Core.Stratos;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Stratos;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// Stratos 4.1 artifacts in and out: import one artifact (its kind detected) and export what the portal holds as one.
/// Cartridges, policies, partitions and groups are for platform admins; applications are the caller's tenant's.
/// </summary>
public static class StratosApi
{
    public static IEndpointRouteBuilder MapStratosApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/import/stratos", ImportAsync).WithTags("Stratos").RequireAuthorization(PortalPolicies.ApiUser)
            .WithName("ImportStratosArtifact")
            .WithSummary("Imports one Stratos 4.1 artifact (JSON as Stratos wrote it: numbers and booleans may be strings). Answers its kind, name, " +
                "what mapped onto what, and warnings for what was ignored or guessed. Everything but applications is for platform admins; " +
                "an application becomes one application of the caller's tenant per subscription, named by its alias.")
            .Accepts<JsonObject>("application/json");
        app.MapGet("/api/v1/export/stratos/{kind}/{name}", ExportAsync).WithTags("Stratos").RequireAuthorization(PortalPolicies.ApiUser)
            .WithName("ExportStratosArtifact")
            .WithSummary("One thing the portal holds as a Stratos 4.1 artifact that imports back to it: `kind` is cartridge, autoscalingPolicy, " +
                "deploymentPolicy, networkPartition, cartridgeGroup (platform admins) or application (the caller's, with those it starts after and links to).");
        return app;
    }

    public static async Task<Results<Ok<StratosImportResponse>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal user, StratosImporter importer, CancellationToken cancellationToken)
    {
        if (request.ContentLength > StratosImporter.MaxArtifactBytes)
        {
            return TooLarge();
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[StratosImporter.MaxArtifactBytes + 1];
        var length = await reader.ReadBlockAsync(buffer, cancellationToken);
        if (length > StratosImporter.MaxArtifactBytes)
        {
            return TooLarge();
        }

        var result = await importer.ImportAsync(new string(buffer, 0, length), user.IsInRole(PortalRoles.PlatformAdmin), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(StratosImportResponse.Of(result.Value!)) : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<JsonObject>, NotFound, ProblemHttpResult>> ExportAsync(
        string kind, string name, ClaimsPrincipal user, StratosExporter exporter, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<StratosKind>(kind.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Failure.Validation("kind", $"'{kind}' is not a kind the portal exports: cartridge, autoscalingPolicy, deploymentPolicy, networkPartition, cartridgeGroup or application.").Problem();
        }

        if (parsed == StratosKind.ApplicationPolicy)
        {
            return Failure.Validation("kind", "The portal holds no application policies (deployment policies spread members): export a deployment policy.").Problem();
        }

        if (parsed != StratosKind.Application && !user.IsInRole(PortalRoles.PlatformAdmin))
        {
            return Failure.Forbidden($"Only platform admins export a {StratosArtifacts.Describe(parsed)}.").Problem();
        }

        return await exporter.ExportAsync(parsed, name, cancellationToken) is { } artifact ? TypedResults.Ok(artifact) : TypedResults.NotFound();
    }

    private static ProblemHttpResult TooLarge() =>
        Failure.Validation("artifact", $"An artifact is at most {StratosImporter.MaxArtifactBytes / 1024} KiB.").Problem();
}

/// <summary>What an import did.</summary>
public sealed record StratosImportResponse(StratosKind Kind, string Name, IReadOnlyList<string> Mapped, IReadOnlyList<string> Warnings)
{
    public static StratosImportResponse Of(StratosImportReport report) => new(report.Kind, report.Name, report.Mapped, report.Warnings);
}
