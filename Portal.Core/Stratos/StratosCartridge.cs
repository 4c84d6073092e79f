using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Core.Cartridges;

namespace Portal.Core.Stratos;

/// <summary>A Stratos cartridge: a runtime type. Its IaaS image becomes a Docker image (Stratos's docker and kubernetes providers name one).</summary>
public sealed partial record StratosCartridge(
    string Name, string? DisplayName, string? Version, CartridgeCategory Category, string Image, bool ImageFromStratos, int? ContainerPort)
    : StratosArtifact(Name)
{
    private static readonly string[] DockerProviders = ["docker", "kubernetes"];

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

        reader.Ignore("the portal has no counterpart", "provider", "host", "description", "loadBalancer", "property", "tenantPartitions", "exportingProperties");
        reader.Ignore("linked applications get DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD and DATABASE_URL", "metadataKeys");
        reader.Ignore("a data cartridge's volume is set when it is registered", "persistence");
        reader.Ignore("members are placed by deployment policies", "deployment");
        return new StratosCartridge(type, reader.Text("displayName")?.Trim(), version, category, image, fromStratos, port);
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
    public CartridgeDefinition ToDefinition() => new()
    {
        Name = Name,
        DisplayName = string.IsNullOrWhiteSpace(DisplayName) ? Name : DisplayName,
        Version = string.IsNullOrWhiteSpace(Version) ? "1" : Version,
        Category = Category,
        Image = Image,
        ContainerPort = ContainerPort ?? 0,
        HealthCheck = Category == CartridgeCategory.Data ? HealthCheckKind.Tcp : HealthCheckKind.Http,
        HealthCheckPath = Category == CartridgeCategory.Data ? null : "/",
    };

    /// <summary>A portal cartridge as Stratos 4.1 JSON (its image under the docker IaaS provider, so it imports back as it is).</summary>
    public static JsonObject Export(Cartridge cartridge) => new()
    {
        ["type"] = cartridge.Name,
        ["category"] = cartridge.Category == CartridgeCategory.Data ? "data" : "framework",
        ["provider"] = "portal",
        ["displayName"] = cartridge.DisplayName,
        ["version"] = cartridge.Version,
        ["multiTenant"] = false,
        ["portMapping"] = new JsonArray(new JsonObject
        {
            ["name"] = $"{(cartridge.HealthCheck == HealthCheckKind.Http ? "http" : "tcp")}-{cartridge.ContainerPort}",
            ["protocol"] = cartridge.HealthCheck == HealthCheckKind.Http ? "http" : "tcp",
            ["port"] = cartridge.ContainerPort,
            ["proxyPort"] = 0,
        }),
        ["iaasProvider"] = new JsonArray(new JsonObject { ["type"] = "docker", ["imageId"] = cartridge.Image }),
    };
}
