using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Core.Cartridges;

namespace Portal.Core.Stratos;

/// <summary>
/// A Stratos cartridge: a runtime type. Its IaaS image becomes a Docker image (Stratos's docker and kubernetes providers
/// name one); the served port mapping's protocol sets the health check (tcp: a TCP check). What Stratos has no field for
/// (limits, a data cartridge's volume, the variables it gives linked applications) travels as <c>portal.*</c> properties.
/// </summary>
public sealed partial record StratosCartridge(
    string Name, string? DisplayName, string? Version, CartridgeCategory Category, string Image, bool ImageFromStratos, int? ContainerPort)
    : StratosArtifact(Name)
{
    public const string HealthCheckPathProperty = "portal.healthCheckPath";
    public const string PersistencePathProperty = "portal.persistencePath";
    public const string CpuLimitProperty = "portal.cpuLimit";
    public const string MemoryLimitProperty = "portal.memoryLimitMb";
    public const string ExportedVariablesProperty = "portal.exportedVariables";

    private static readonly string[] DockerProviders = ["docker", "kubernetes"];

    public HealthCheckKind HealthCheck { get; init; } = HealthCheckKind.Http;

    public string? HealthCheckPath { get; init; }

    public string? PersistencePath { get; init; }

    public double? CpuLimit { get; init; }

    public int? MemoryLimitMb { get; init; }

    public IReadOnlyList<string> ExportedVariables { get; init; } = [];

    public override StratosKind Kind => StratosKind.Cartridge;

    [GeneratedRegex("[^A-Za-z0-9_.-]", RegexOptions.CultureInvariant)]
    private static partial Regex NotTagCharacter();

    internal static StratosCartridge? Read(StratosReader reader)
    {
        var type = reader.Text("type")?.Trim();
        if (string.IsNullOrEmpty(type))
        {
            return null;
        }

        var category = reader.Text("category")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "framework" or "application" => CartridgeCategory.Framework,
            "data" => CartridgeCategory.Data,
            var other => Unsupported(reader, other),
        };
        var version = reader.Text("version")?.Trim();
        if (reader.Bool("multiTenant") == true)
        {
            reader.Warn("multiTenant", "true is not supported: every application runs members of its own.");
        }

        int? port = null;
        string? protocol = null;
        var mappings = reader.Objects("portMapping");
        var http = mappings.Where(m => m.Text("protocol")?.Trim().ToLowerInvariant() is "http" or "https").ToList();
        var served = http.Find(m => m.Whole("proxyPort") is 80 or 443) ?? (http.Count > 0 ? http[0] : null) ?? (mappings.Count > 0 ? mappings[0] : null);
        foreach (var mapping in mappings)
        {
            var mappedPort = mapping.Whole("port");
            mapping.Ignore("the router chooses the public port", "proxyPort", "name", "kubernetesPortType", "kubernetesServicePort");
            mapping.Text("protocol");
            mapping.Complete();
            if (mapping == served)
            {
                port = mappedPort;
                protocol = mapping.Text("protocol")?.Trim().ToLowerInvariant();
            }
            else
            {
                mapping.Warn("port", $"{mappedPort} is not published: the router serves one HTTP port per application.");
            }
        }

        string? image = null;
        foreach (var provider in reader.Objects("iaasProvider"))
        {
            var kind = provider.Text("type")?.Trim().ToLowerInvariant();
            var imageId = provider.Text("imageId")?.Trim();
            provider.Ignore("members run on Docker engines, not on IaaS instances",
                "property", "networkInterfaces", "provider", "identity", "credential", "className", "name");
            provider.Complete();
            if (image is null && DockerProviders.Contains(kind) && !string.IsNullOrEmpty(imageId))
            {
                image = imageId;
            }
            else if (!string.IsNullOrEmpty(imageId))
            {
                provider.Warn("imageId", $"{imageId} is an image of the '{kind}' IaaS, not a Docker image; ignored.");
            }
        }

        var fromStratos = image is not null;
        image ??= $"{type.ToLowerInvariant()}:{Tag(version)}";
        if (!fromStratos)
        {
            reader.Warn("iaasProvider", $"names no Docker image: members run '{image}' (change it under Admin › Cartridges if that is not the image).");
        }

        var properties = reader.Properties("property");
        foreach (var unused in properties.Keys.Where(k => !k.StartsWith("portal.", StringComparison.Ordinal)))
        {
            reader.Warn($"property[{unused}]", "ignored (the portal reads only its own portal.* properties).");
        }

        double? cpu = properties.TryGetValue(CpuLimitProperty, out var cpuText)
                      && double.TryParse(cpuText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var cores)
            ? cores : null;
        int? memory = properties.TryGetValue(MemoryLimitProperty, out var memoryText) && int.TryParse(memoryText, out var mb) ? mb : null;
        var persistence = properties.GetValueOrDefault(PersistencePathProperty);
        if (category == CartridgeCategory.Data && string.IsNullOrEmpty(persistence))
        {
            reader.Warn("category", $"a data cartridge without a '{PersistencePathProperty}' property keeps no volume: its data lasts only as long as its member.");
        }

        reader.Ignore("the portal has no counterpart", "provider", "host", "description", "loadBalancer", "tenantPartitions", "exportingProperties");
        reader.Ignore("linked applications get DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD and DATABASE_URL", "metadataKeys");
        reader.Ignore("a data cartridge's volume is set when it is registered", "persistence");
        reader.Ignore("members are placed by deployment policies", "deployment");
        // A data cartridge is checked over TCP (a database greets, it does not serve pages); a framework by its protocol.
        var tcp = category == CartridgeCategory.Data || protocol is not (null or "http" or "https");
        return new StratosCartridge(type, reader.Text("displayName")?.Trim(), version, category, image, fromStratos, port)
        {
            HealthCheck = tcp ? HealthCheckKind.Tcp : HealthCheckKind.Http,
            HealthCheckPath = tcp ? null : properties.GetValueOrDefault(HealthCheckPathProperty) ?? "/",
            PersistencePath = string.IsNullOrEmpty(persistence) ? null : persistence,
            CpuLimit = cpu,
            MemoryLimitMb = memory,
            ExportedVariables = properties.TryGetValue(ExportedVariablesProperty, out var variables)
                ? variables.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : [],
        };
    }

    private static CartridgeCategory Unsupported(StratosReader reader, string category)
    {
        reader.Warn("category", category == "load-balancer"
            ? "load-balancer cartridges are not needed: the portal's router balances every application; read as a framework."
            : $"'{category}' is not a category here; read as a framework.");
        return CartridgeCategory.Framework;
    }

    private static string Tag(string? version)
    {
        var tag = NotTagCharacter().Replace(version ?? "", "-").Trim('-', '.');
        return tag.Length == 0 ? "latest" : tag[..Math.Min(tag.Length, 128)];
    }

    /// <summary>The portal's definition of this cartridge (checked by <see cref="CartridgeRules"/> when registered).</summary>
    public CartridgeDefinition ToDefinition()
    {
        var defaults = new CartridgeDefinition { Name = Name, DisplayName = Name, Version = "1", Image = Image, ContainerPort = 0 };
        return defaults with
        {
            DisplayName = string.IsNullOrWhiteSpace(DisplayName) ? Name : DisplayName,
            Version = string.IsNullOrWhiteSpace(Version) ? "1" : Version,
            Category = Category,
            ContainerPort = ContainerPort ?? 0,
            HealthCheck = HealthCheck,
            HealthCheckPath = HealthCheckPath,
            PersistencePath = PersistencePath,
            CpuLimit = CpuLimit ?? defaults.CpuLimit,
            MemoryLimitMb = MemoryLimitMb ?? defaults.MemoryLimitMb,
            ExportedVariables = ExportedVariables,
        };
    }

    /// <summary>A portal cartridge as Stratos 4.1 JSON (its image under the docker IaaS provider, so it imports back as it is).</summary>
    public static JsonObject Export(Cartridge cartridge)
    {
        var http = cartridge.HealthCheck == HealthCheckKind.Http;
        var properties = new JsonArray(
            Property(CpuLimitProperty, cartridge.CpuLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Property(MemoryLimitProperty, cartridge.MemoryLimitMb.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (http && cartridge.HealthCheckPath is { } path)
        {
            properties.Add(Property(HealthCheckPathProperty, path));
        }

        if (cartridge.PersistencePath is { } persistence)
        {
            properties.Add(Property(PersistencePathProperty, persistence));
        }

        if (cartridge.ExportedVariables.Count > 0)
        {
            properties.Add(Property(ExportedVariablesProperty, string.Join(",", cartridge.ExportedVariables)));
        }

        return new JsonObject
        {
            ["type"] = cartridge.Name,
            ["category"] = cartridge.Category == CartridgeCategory.Data ? "data" : "framework",
            ["provider"] = "portal",
            ["displayName"] = cartridge.DisplayName,
            ["version"] = cartridge.Version,
            ["multiTenant"] = false,
            ["portMapping"] = new JsonArray(new JsonObject
            {
                ["name"] = $"{(http ? "http" : "tcp")}-{cartridge.ContainerPort}",
                ["protocol"] = http ? "http" : "tcp",
                ["port"] = cartridge.ContainerPort,
                ["proxyPort"] = 0,
            }),
            ["iaasProvider"] = new JsonArray(new JsonObject { ["type"] = "docker", ["imageId"] = cartridge.Image }),
            ["property"] = properties,
        };
    }

    private static JsonObject Property(string name, string value) => new() { ["name"] = name, ["value"] = value };
}
