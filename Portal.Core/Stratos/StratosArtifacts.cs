using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Common;
using Portal.Core.Partitions;

namespace Portal.Core.Stratos;

/// <summary>The kinds of Stratos 4.1 artifacts the portal imports and exports.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StratosKind>))]
public enum StratosKind
{
    [JsonStringEnumMemberName("cartridge")] Cartridge,
    [JsonStringEnumMemberName("autoscalingPolicy")] AutoscalingPolicy,
    [JsonStringEnumMemberName("networkPartition")] NetworkPartition,
    [JsonStringEnumMemberName("deploymentPolicy")] DeploymentPolicy,
    [JsonStringEnumMemberName("cartridgeGroup")] CartridgeGroup,
    [JsonStringEnumMemberName("applicationPolicy")] ApplicationPolicy,
    [JsonStringEnumMemberName("application")] Application,
}

/// <summary>One parsed artifact: what the portal read of it.</summary>
public abstract record StratosArtifact(string Name)
{
    public abstract StratosKind Kind { get; }
}

/// <summary>What an artifact was read as, and what of it could not be read or has no counterpart here.</summary>
public sealed record ParsedStratosArtifact(StratosArtifact Artifact, IReadOnlyList<string> Warnings);

/// <summary>
/// Detects and parses Stratos 4.1 artifacts (the JSON its REST API and CLI took), leniently: see <see cref="StratosReader"/>.
/// A field the portal has no counterpart for is a warning; an artifact without its id is refused.
/// </summary>
public static class StratosArtifacts
{
    /// <summary>Which artifact a JSON object is, by the fields only that kind has; null when none fits.</summary>
    public static StratosKind? Detect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var names = root.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (names.Contains("applicationId") || names.Contains("components"))
        {
            return StratosKind.Application;
        }

        if (names.Contains("loadThresholds"))
        {
            return StratosKind.AutoscalingPolicy;
        }

        if (names.Contains("type") && (names.Contains("iaasProvider") || names.Contains("portMapping") || names.Contains("category")))
        {
            return StratosKind.Cartridge;
        }

        if (names.Contains("dependencies") || (names.Contains("name") && names.Contains("cartridges")))
        {
            return StratosKind.CartridgeGroup;
        }

        if (names.Contains("networkPartitions"))
        {
            var first = root.EnumerateObject().First(p => p.Name.Equals("networkPartitions", StringComparison.OrdinalIgnoreCase)).Value;
            var objects = first.ValueKind == JsonValueKind.Array && first.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object);
            return objects || !names.Contains("algorithm") ? StratosKind.DeploymentPolicy : StratosKind.ApplicationPolicy;
        }

        if (names.Contains("partitions") && names.Contains("id"))
        {
            return StratosKind.NetworkPartition;
        }

        return null;
    }

    /// <summary>Reads <paramref name="root"/> as the artifact it is.</summary>
    public static Result<ParsedStratosArtifact> Parse(JsonElement root)
    {
        if (Detect(root) is not { } kind)
        {
            return Failure.Validation("artifact",
                "This is not a Stratos 4.1 artifact the portal knows: expected a cartridge, autoscaling policy, network partition, " +
                "deployment policy, cartridge group, application policy or application (as JSON).");
        }

        var warnings = new List<string>();
        var reader = new StratosReader(root, "", warnings);
        var artifact = kind switch
        {
            StratosKind.Cartridge => StratosCartridge.Read(reader),
            StratosKind.AutoscalingPolicy => StratosAutoscalingPolicy.Read(reader),
            StratosKind.NetworkPartition => StratosNetworkPartition.Read(reader),
            StratosKind.DeploymentPolicy => StratosDeploymentPolicy.Read(reader),
            StratosKind.CartridgeGroup => StratosCartridgeGroup.Read(reader),
            StratosKind.ApplicationPolicy => StratosApplicationPolicy.Read(reader),
            _ => (StratosArtifact?)StratosApplication.Read(reader),
        };
        if (artifact is null)
        {
            var field = kind switch
            {
                StratosKind.Cartridge => "type",
                StratosKind.CartridgeGroup => "name",
                StratosKind.Application => "applicationId",
                _ => "id",
            };
            return Failure.Validation(field, $"This {Describe(kind)} has no '{field}': the portal names what it imports by it.");
        }

        reader.Complete();
        return new ParsedStratosArtifact(artifact, warnings);
    }

    /// <summary>The kind in words, e.g. "deployment policy".</summary>
    public static string Describe(StratosKind kind) => kind switch
    {
        StratosKind.Cartridge => "cartridge",
        StratosKind.AutoscalingPolicy => "autoscaling policy",
        StratosKind.NetworkPartition => "network partition",
        StratosKind.DeploymentPolicy => "deployment policy",
        StratosKind.CartridgeGroup => "cartridge group",
        StratosKind.ApplicationPolicy => "application policy",
        _ => "application",
    };

    /// <summary>The order artifacts must be imported in (each kind names only kinds before it).</summary>
    public static int ImportOrder(StratosKind kind) => kind switch
    {
        StratosKind.AutoscalingPolicy => 0,
        StratosKind.NetworkPartition => 1,
        StratosKind.DeploymentPolicy => 2,
        StratosKind.Cartridge => 3,
        StratosKind.CartridgeGroup => 4,
        StratosKind.ApplicationPolicy => 5,
        _ => 6,
    };

    /// <summary>Stratos's partition algorithms: <c>one-after-another</c> and <c>round-robin</c>.</summary>
    internal static PartitionAlgorithm? Algorithm(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "one-after-another" or "oneafteranother" => PartitionAlgorithm.OneAfterAnother,
        "round-robin" or "roundrobin" => PartitionAlgorithm.RoundRobin,
        _ => null,
    };

    public static string AlgorithmName(PartitionAlgorithm algorithm) =>
        algorithm == PartitionAlgorithm.OneAfterAnother ? "one-after-another" : "round-robin";
}
