using System.Text.Json.Nodes;
using Portal.Core.Autoscaling;
using Portal.Core.Partitions;

namespace Portal.Core.Stratos;

/// <summary>
/// A Stratos autoscaling policy: its load thresholds (load average is read as CPU %). The portal's own settings, which
/// Stratos has no field for, travel as extra fields (<c>evaluationIntervalSeconds</c>, ...; absent: the portal's defaults).
/// </summary>
public sealed record StratosAutoscalingPolicy(string Name, int? RequestsInFlight, int? MemoryPercent, int? CpuPercent) : StratosArtifact(Name)
{
    public override StratosKind Kind => StratosKind.AutoscalingPolicy;

    public double? EvaluationIntervalSeconds { get; init; }

    public double? WindowSeconds { get; init; }

    public double? HorizonSeconds { get; init; }

    public double? ScaleUpCooldownSeconds { get; init; }

    public double? ScaleDownCooldownSeconds { get; init; }

    public int? ScaleDownAfter { get; init; }

    public bool? Prediction { get; init; }

    internal static StratosAutoscalingPolicy? Read(StratosReader reader)
    {
        var id = reader.Text("id")?.Trim();
        var thresholds = reader.Child("loadThresholds");
        int? Threshold(string name)
        {
            if (thresholds?.Child(name) is not { } metric)
            {
                return null;
            }

            var value = metric.Whole("threshold");
            metric.Ignore("the portal predicts from its own window of samples", "lowerLimit", "upperLimit");
            metric.Complete();
            return value;
        }

        var requests = Threshold("requestsInFlight");
        var memory = Threshold("memoryConsumption");
        var load = Threshold("loadAverage");
        thresholds?.Complete();
        reader.Ignore("every policy is offered to every tenant", "isPublic", "description");
        return string.IsNullOrEmpty(id) ? null : new StratosAutoscalingPolicy(id, requests, memory, load)
        {
            EvaluationIntervalSeconds = reader.Number("evaluationIntervalSeconds"),
            WindowSeconds = reader.Number("windowSeconds"),
            HorizonSeconds = reader.Number("horizonSeconds"),
            ScaleUpCooldownSeconds = reader.Number("scaleUpCooldownSeconds"),
            ScaleDownCooldownSeconds = reader.Number("scaleDownCooldownSeconds"),
            ScaleDownAfter = reader.Whole("scaleDownAfter"),
            Prediction = reader.Bool("prediction"),
        };
    }

    public static JsonObject Export(AutoscalingPolicy policy)
    {
        var thresholds = new JsonObject();
        if (policy.RequestsInFlight is { } requests)
        {
            thresholds["requestsInFlight"] = new JsonObject { ["threshold"] = requests };
        }

        if (policy.MemoryPercent is { } memory)
        {
            thresholds["memoryConsumption"] = new JsonObject { ["threshold"] = memory };
        }

        if (policy.CpuPercent is { } cpu)
        {
            thresholds["loadAverage"] = new JsonObject { ["threshold"] = cpu };
        }

        return new JsonObject
        {
            ["id"] = policy.Name,
            ["loadThresholds"] = thresholds,
            ["evaluationIntervalSeconds"] = policy.EvaluationInterval.TotalSeconds,
            ["windowSeconds"] = policy.Window.TotalSeconds,
            ["horizonSeconds"] = policy.Horizon?.TotalSeconds,
            ["scaleUpCooldownSeconds"] = policy.ScaleUpCooldown.TotalSeconds,
            ["scaleDownCooldownSeconds"] = policy.ScaleDownCooldown.TotalSeconds,
            ["scaleDownAfter"] = policy.ScaleDownAfter,
            ["prediction"] = policy.Prediction,
        };
    }
}

/// <summary>A partition of a Stratos network partition; the portal reads its Docker engine from the properties <c>endpoint</c> and <c>tlsCertificateDirectory</c>.</summary>
public sealed record StratosPartition(string Id, string? Endpoint, string? TlsCertificateDirectory);

/// <summary>A Stratos network partition (a region or cloud) and its partitions.</summary>
public sealed record StratosNetworkPartition(string Name, string? Provider, IReadOnlyList<StratosPartition> Partitions) : StratosArtifact(Name)
{
    /// <summary>The partition property naming its Docker engine (a portal extension; Stratos's IaaS partitions have none).</summary>
    public const string EndpointProperty = "endpoint";

    public const string TlsProperty = "tlsCertificateDirectory";

    public override StratosKind Kind => StratosKind.NetworkPartition;

    internal static StratosNetworkPartition? Read(StratosReader reader)
    {
        var id = reader.Text("id")?.Trim();
        var provider = reader.Text("provider")?.Trim();
        var partitions = new List<StratosPartition>();
        foreach (var partition in reader.Objects("partitions"))
        {
            var partitionId = partition.Text("id")?.Trim();
            var properties = partition.Properties("property");
            partition.Ignore("the portal has no counterpart", "description", "isPublic", "kubernetesClusterId", "partitionMax");
            partition.Complete();
            if (string.IsNullOrEmpty(partitionId))
            {
                partition.Warn("id", "missing: the partition is ignored.");
                continue;
            }

            foreach (var unused in properties.Keys.Where(k => k is not (EndpointProperty or TlsProperty)))
            {
                partition.Warn($"property[{unused}]", "ignored (the portal reads only 'endpoint' and 'tlsCertificateDirectory').");
            }

            partitions.Add(new StratosPartition(partitionId, properties.GetValueOrDefault(EndpointProperty), properties.GetValueOrDefault(TlsProperty)));
        }

        reader.Ignore("the portal has no counterpart", "activeByDefault", "kubernetesClusterId", "properties", "description");
        return string.IsNullOrEmpty(id) ? null : new StratosNetworkPartition(id, provider, partitions);
    }

    public static JsonObject Export(string name, IEnumerable<(string Name, string Endpoint, string? TlsCertificateDirectory)> partitions) => new()
    {
        ["id"] = name,
        ["provider"] = "docker",
        ["partitions"] = new JsonArray([.. partitions.Select(p =>
        {
            var properties = new JsonArray(new JsonObject { ["name"] = EndpointProperty, ["value"] = p.Endpoint });
            if (p.TlsCertificateDirectory is { } tls)
            {
                properties.Add(new JsonObject { ["name"] = TlsProperty, ["value"] = tls });
            }

            return (JsonNode)new JsonObject { ["id"] = p.Name, ["property"] = properties };
        })]),
    };
}

/// <summary>A partition of a deployment policy's network partition: its cap and, as the portal exports it, whether it is for bursting.</summary>
public sealed record StratosPolicyPartition(string Id, int? Max, bool? Burst);

/// <summary>One network partition of a Stratos deployment policy: its algorithm and its partitions' caps.</summary>
public sealed record StratosPolicyNetworkPartition(string Id, PartitionAlgorithm Algorithm, IReadOnlyList<StratosPolicyPartition> Partitions);

/// <summary>
/// A Stratos deployment policy. Its first network partition's partitions serve; later ones are for bursting (Stratos's
/// one-after-another over network partitions), unless its partitions say <c>"burst"</c> themselves (as the portal exports them).
/// </summary>
public sealed record StratosDeploymentPolicy(string Name, IReadOnlyList<StratosPolicyNetworkPartition> NetworkPartitions) : StratosArtifact(Name)
{
    public override StratosKind Kind => StratosKind.DeploymentPolicy;

    internal static StratosDeploymentPolicy? Read(StratosReader reader)
    {
        var id = reader.Text("id")?.Trim();
        var networks = new List<StratosPolicyNetworkPartition>();
        foreach (var network in reader.Objects("networkPartitions"))
        {
            var networkId = network.Text("id")?.Trim() ?? "";
            var algorithmText = network.Text("partitionAlgo");
            var algorithm = StratosArtifacts.Algorithm(algorithmText);
            if (algorithm is null && algorithmText is not null)
            {
                network.Warn("partitionAlgo", $"'{algorithmText}' is neither one-after-another nor round-robin; round-robin is used.");
            }

            var partitions = new List<StratosPolicyPartition>();
            foreach (var partition in network.Objects("partitions"))
            {
                var partitionId = partition.Text("id")?.Trim();
                var max = partition.Whole("partitionMax");
                var burst = partition.Bool("burst");
                partition.Ignore("the portal has no counterpart", "description", "property");
                partition.Complete();
                if (!string.IsNullOrEmpty(partitionId))
                {
                    partitions.Add(new StratosPolicyPartition(partitionId, max, burst));
                }
            }

            network.Ignore("the portal has no counterpart", "description", "property");
            network.Complete();
            networks.Add(new StratosPolicyNetworkPartition(networkId, algorithm ?? PartitionAlgorithm.RoundRobin, partitions));
        }

        reader.Ignore("the portal has no counterpart", "description", "isPublic");
        return string.IsNullOrEmpty(id) ? null : new StratosDeploymentPolicy(id, networks);
    }

    private static List<List<(string NetworkPartition, string Partition, int Max, bool Burst)>> Runs(
        List<(string NetworkPartition, string Partition, int Max, bool Burst)> partitions)
    {
        var runs = new List<List<(string NetworkPartition, string Partition, int Max, bool Burst)>>();
        foreach (var partition in partitions)
        {
            if (runs.Count == 0 || runs[^1][0].NetworkPartition != partition.NetworkPartition)
            {
                runs.Add([]);
            }

            runs[^1].Add(partition);
        }

        return runs;
    }

    public static JsonObject Export(string name, PartitionAlgorithm algorithm, IEnumerable<(string NetworkPartition, string Partition, int Max, bool Burst)> partitions) => new()
    {
        ["id"] = name,
        // One entry per run of partitions of one network partition, so the policy's order comes back as it is.
        ["networkPartitions"] = new JsonArray([.. Runs(partitions.ToList())
            .Select(run => (JsonNode)new JsonObject
            {
                ["id"] = run[0].NetworkPartition,
                ["partitionAlgo"] = StratosArtifacts.AlgorithmName(algorithm),
                ["partitions"] = new JsonArray([.. run.Select(p => (JsonNode)new JsonObject { ["id"] = p.Partition, ["partitionMax"] = p.Max, ["burst"] = p.Burst })]),
            })]),
    };
}

/// <summary>A Stratos application policy: how an application spreads over network partitions. The portal spreads by deployment policies.</summary>
public sealed record StratosApplicationPolicy(string Name, PartitionAlgorithm? Algorithm, IReadOnlyList<string> NetworkPartitions) : StratosArtifact(Name)
{
    public override StratosKind Kind => StratosKind.ApplicationPolicy;

    internal static StratosApplicationPolicy? Read(StratosReader reader)
    {
        var id = reader.Text("id")?.Trim();
        var algorithm = StratosArtifacts.Algorithm(reader.Text("algorithm"));
        var networks = reader.Strings("networkPartitions");
        reader.Ignore("the portal has no counterpart", "properties", "description");
        return string.IsNullOrEmpty(id) ? null : new StratosApplicationPolicy(id, algorithm, networks);
    }
}
