using System.Text.Json;
using Portal.Core.Cartridges;
using Portal.Core.Partitions;
using Portal.Core.Stratos;
using Portal.Tests.Support;

namespace Portal.Tests.Core;

/// <summary>Reading Stratos 4.1 artifacts: Stratos's own samples, its lenient JSON, and what has no counterpart here.</summary>
public sealed class StratosArtifactsTests
{
    [Theory]
    [InlineData(StratosSamples.AutoscalingPolicy, StratosKind.AutoscalingPolicy, "autoscaling-policy-1")]
    [InlineData(StratosSamples.NetworkPartition, StratosKind.NetworkPartition, "network-partition-1")]
    [InlineData(StratosSamples.DeploymentPolicy, StratosKind.DeploymentPolicy, "deployment-policy-1")]
    [InlineData(StratosSamples.Php, StratosKind.Cartridge, "php")]
    [InlineData(StratosSamples.Mysql, StratosKind.Cartridge, "mysql")]
    [InlineData(StratosSamples.Tomcat, StratosKind.Cartridge, "tomcat")]
    [InlineData(StratosSamples.Group, StratosKind.CartridgeGroup, "mysql-php-group")]
    [InlineData(StratosSamples.ApplicationPolicy, StratosKind.ApplicationPolicy, "application-policy-1")]
    [InlineData(StratosSamples.SingleCartridgeApp, StratosKind.Application, "single-cartridge-app")]
    [InlineData(StratosSamples.Wordpress, StratosKind.Application, "wordpress")]
    public void Every_sample_is_detected_as_its_kind_and_named(string sample, StratosKind kind, string name)
    {
        var parsed = Parse(StratosSamples.Json(sample));

        Assert.Equal(kind, parsed.Artifact.Kind);
        Assert.Equal(name, parsed.Artifact.Name);
        Assert.DoesNotContain(parsed.Warnings, w => w.Contains("unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cartridge_written_with_strings_for_numbers_and_booleans_maps_onto_a_definition()
    {
        var parsed = Parse(StratosSamples.Json(StratosSamples.Php));
        var php = Assert.IsType<StratosCartridge>(parsed.Artifact);
        var definition = php.ToDefinition();

        Assert.Equal(("php", "php", "7", CartridgeCategory.Framework), (definition.Name, definition.DisplayName, definition.Version, definition.Category));
        Assert.Equal(8080, definition.ContainerPort); // "port": "8080"
        Assert.Equal("php:7", definition.Image);
        Assert.False(php.ImageFromStratos);
        Assert.Equal((HealthCheckKind.Http, "/"), (definition.HealthCheck, definition.HealthCheckPath));
        Assert.Empty(CartridgeRules.Validate(definition));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("portMapping[1].port: 22 is not published", StringComparison.Ordinal));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("iaasProvider[0].imageId: RegionOne/b4ca55e3", StringComparison.Ordinal));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("iaasProvider: names no Docker image: members run 'php:7'", StringComparison.Ordinal));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("provider, host, description: ignored", StringComparison.Ordinal));
        Assert.DoesNotContain(parsed.Warnings, w => w.StartsWith("multiTenant", StringComparison.Ordinal)); // "false" read as false
    }

    [Fact]
    public void The_port_the_router_fronts_on_80_is_the_one_served_and_a_data_cartridge_is_checked_over_TCP()
    {
        var tomcat = Assert.IsType<StratosCartridge>(Parse(StratosSamples.Json(StratosSamples.Tomcat)).Artifact);
        Assert.Equal(8080, tomcat.ContainerPort);

        var mysql = Parse(StratosSamples.Json(StratosSamples.Mysql));
        var definition = Assert.IsType<StratosCartridge>(mysql.Artifact).ToDefinition();
        Assert.Equal((CartridgeCategory.Data, HealthCheckKind.Tcp), (definition.Category, definition.HealthCheck));
        Assert.Contains(mysql.Warnings, w => w.StartsWith("metadataKeys: ignored (linked applications get DB_HOST", StringComparison.Ordinal));
    }

    [Fact]
    public void A_docker_provider_names_the_image_and_a_multi_tenant_cartridge_is_warned_about()
    {
        var parsed = Parse("""
            { "type": "web", "category": "framework", "version": "1.25", "multiTenant": "TRUE",
              "portMapping": [{ "protocol": "http", "port": 80, "proxyPort": 8280 }],
              "iaasProvider": [{ "type": "docker", "imageId": "nginx:1.25" }] }
            """);
        var web = Assert.IsType<StratosCartridge>(parsed.Artifact);

        Assert.Equal(("nginx:1.25", true, 80), (web.Image, web.ImageFromStratos, web.ContainerPort));
        Assert.Contains("multiTenant: true is not supported: every application runs members of its own.", parsed.Warnings);
    }

    [Fact]
    public void An_autoscaling_policy_reads_its_thresholds_load_average_as_cpu_and_numbers_written_as_strings()
    {
        var sample = Assert.IsType<StratosAutoscalingPolicy>(Parse(StratosSamples.Json(StratosSamples.AutoscalingPolicy)).Artifact);
        Assert.Equal((20, 70, 70), (sample.RequestsInFlight, sample.MemoryPercent, sample.CpuPercent));

        var parsed = Parse("""
            { "id": "p", "loadThresholds": { "requestsInFlight": { "threshold": "35.6", "lowerLimit": 5 }, "memoryConsumption": { "threshold": "lots" } },
              "isPublic": "true", "colour": "blue" }
            """);
        var policy = Assert.IsType<StratosAutoscalingPolicy>(parsed.Artifact);
        Assert.Equal((36, null, null), (policy.RequestsInFlight, policy.MemoryPercent, policy.CpuPercent));
        Assert.Contains("loadThresholds.requestsInFlight.threshold: 35.6 is rounded to 36.", parsed.Warnings);
        Assert.Contains("loadThresholds.memoryConsumption.threshold: \"lots\" is not a number; ignored.", parsed.Warnings);
        Assert.Contains(parsed.Warnings, w => w.StartsWith("loadThresholds.requestsInFlight.lowerLimit: ignored", StringComparison.Ordinal));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("isPublic: ignored", StringComparison.Ordinal));
        Assert.Contains("colour: unknown field; ignored.", parsed.Warnings);
    }

    [Fact]
    public void Partitions_and_policies_read_their_engines_algorithms_and_caps()
    {
        var network = Parse(StratosSamples.Json(StratosSamples.NetworkPartition));
        var partition = Assert.Single(Assert.IsType<StratosNetworkPartition>(network.Artifact).Partitions);
        Assert.Equal(new StratosPartition("partition-1", null, null), partition);
        Assert.Contains(network.Warnings, w => w.StartsWith("partitions[0].property[region]: ignored", StringComparison.Ordinal));

        var policy = Assert.IsType<StratosDeploymentPolicy>(Parse(StratosSamples.Json(StratosSamples.DeploymentPolicy)).Artifact);
        var first = Assert.Single(policy.NetworkPartitions);
        Assert.Equal(("network-partition-1", PartitionAlgorithm.OneAfterAnother), (first.Id, first.Algorithm));
        Assert.Equal([new StratosPolicyPartition("partition-1", 20, null)], first.Partitions);

        var withEngine = Assert.IsType<StratosNetworkPartition>(Parse("""
            { "id": "east", "partitions": [{ "id": "east-1", "property": [{ "name": "endpoint", "value": "tcp://10.0.0.5:2376" },
              { "name": "tlsCertificateDirectory", "value": "/etc/portal/east" }] }] }
            """).Artifact);
        Assert.Equal(new StratosPartition("east-1", "tcp://10.0.0.5:2376", "/etc/portal/east"), Assert.Single(withEngine.Partitions));
    }

    [Fact]
    public void A_group_keeps_its_startup_order_in_both_of_Stratoss_forms_and_the_application_starts_php_after_mysql()
    {
        var parsed = Parse(StratosSamples.Json(StratosSamples.Group));
        var group = Assert.IsType<StratosCartridgeGroup>(parsed.Artifact);
        Assert.Equal(["mysql", "php"], group.Cartridges);
        Assert.Equal(["cartridge.my-mysql", "cartridge.my-php"], Assert.Single(group.StartupOrders));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("dependencies.scalingDependents: ignored", StringComparison.Ordinal));
        Assert.Contains(parsed.Warnings, w => w.StartsWith("dependencies.terminationBehaviour: ignored", StringComparison.Ordinal));

        var older = Assert.IsType<StratosCartridgeGroup>(Parse("""
            { "name": "g", "cartridges": ["a", "b", "c"], "dependencies": { "startupOrders": ["cartridge.a,cartridge.b", "cartridge.b, cartridge.c"] } }
            """).Artifact);
        Assert.Equal([["cartridge.a", "cartridge.b"], ["cartridge.b", "cartridge.c"]], older.StartupOrders);

        var wordpress = Assert.IsType<StratosApplication>(Parse(StratosSamples.Json(StratosSamples.Wordpress)).Artifact);
        Assert.Equal(["my-mysql", "my-php"], wordpress.Subscriptions.Select(s => s.Alias));
        var php = wordpress.Subscriptions[1];
        Assert.Equal(new StratosSubscription("my-php", "php", 2, 5, "deployment-policy-1", "autoscaling-policy-1",
            "https://github.com/imesh/stratos-php-applications.git", "mysql-php-group") { DependsOn = php.DependsOn }, php);
        Assert.Empty(php.DependsOn);
        var stored = new CartridgeGroup { Name = group.Name, Cartridges = [.. group.Cartridges], StartupOrders = [.. group.StartupOrders.Select(CartridgeGroup.Order)] };
        var warnings = new List<string>();
        var after = wordpress.StartAfter(new Dictionary<string, CartridgeGroup> { [stored.Name] = stored }, warnings);
        Assert.Equal(["my-mysql"], after["my-php"]);
        Assert.Empty(after["my-mysql"]);
        Assert.Empty(warnings);
    }

    [Fact]
    public void An_application_s_own_startup_orders_may_name_groups_and_orders_naming_nobody_are_reported()
    {
        var app = Assert.IsType<StratosApplication>(Parse("""
            { "applicationId": "shop", "components": {
                "groups": [{ "name": "data", "alias": "store", "cartridges": [{ "type": "mysql", "subscribableInfo": { "alias": "db" } }] }],
                "cartridges": [{ "type": "php", "cartridgeMin": "2", "subscribableInfo": { "alias": "web" } }],
                "dependencies": { "startupOrders": [{ "aliases": ["group.store", "cartridge.web"] }, { "aliases": ["cartridge.web", "cartridge.ghost"] }] } } }
            """).Artifact);
        var warnings = new List<string>();

        var after = app.StartAfter(new Dictionary<string, CartridgeGroup>(), warnings);

        Assert.Equal(["db"], after["web"]);
        Assert.Equal(2, app.Subscriptions.Single(s => s.Alias == "web").Min);
        Assert.Equal("startup order cartridge.web → cartridge.ghost: 'cartridge.ghost' names no subscription of this application; ignored.", Assert.Single(warnings));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("""{ "colour": "blue" }""")]
    public void What_is_no_Stratos_artifact_is_refused_with_the_kinds_the_portal_knows(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = StratosArtifacts.Parse(document.RootElement);

        Assert.False(result.Succeeded);
        Assert.Contains("expected a cartridge, autoscaling policy", result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_artifact_without_its_id_is_refused_naming_the_field()
    {
        using var document = JsonDocument.Parse("""{ "loadThresholds": { "loadAverage": { "threshold": 50 } } }""");
        var result = StratosArtifacts.Parse(document.RootElement);

        Assert.Equal("This autoscaling policy has no 'id': the portal names what it imports by it.", result.Failure!.Message);
    }

    [Theory]
    [InlineData("mysql")]
    [InlineData("php")]
    [InlineData("redis")]
    public void An_exported_cartridge_reads_back_to_the_same_definition(string name)
    {
        var definition = name switch
        {
            "redis" => new CartridgeDefinition
            {
                Name = "redis", DisplayName = "Redis 7", Version = "7.2", Category = CartridgeCategory.Framework, Image = "redis:7.2", ContainerPort = 6379,
                HealthCheck = HealthCheckKind.Tcp, HealthCheckPath = null, CpuLimit = 0.25, MemoryLimitMb = 128, PersistencePath = "/data",
            },
            _ => BuiltInCartridges.All.Single(c => c.Name == name),
        };
        var cartridge = Cartridge.From(definition, builtIn: false, DateTimeOffset.UnixEpoch);

        var parsed = Parse(StratosCartridge.Export(cartridge).ToJsonString());
        var back = Cartridge.From(Assert.IsType<StratosCartridge>(parsed.Artifact).ToDefinition(), builtIn: false, DateTimeOffset.UnixEpoch);

        Assert.Equal(
            (cartridge.Name, cartridge.DisplayName, cartridge.Version, cartridge.Category, cartridge.Image, cartridge.ContainerPort, cartridge.HealthCheck,
                cartridge.HealthCheckPath, cartridge.CpuLimit, cartridge.MemoryLimitMb, cartridge.PersistencePath, string.Join(",", cartridge.ExportedVariables)),
            (back.Name, back.DisplayName, back.Version, back.Category, back.Image, back.ContainerPort, back.HealthCheck,
                back.HealthCheckPath, back.CpuLimit, back.MemoryLimitMb, back.PersistencePath, string.Join(",", back.ExportedVariables)));
        Assert.DoesNotContain(parsed.Warnings, w => w.Contains("image", StringComparison.OrdinalIgnoreCase) || w.Contains("volume", StringComparison.Ordinal));
    }

    private static ParsedStratosArtifact Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }

    private static ParsedStratosArtifact Parse(JsonElement root)
    {
        var result = StratosArtifacts.Parse(root);
        Assert.True(result.Succeeded, result.Failure?.Message);
        return result.Value!;
    }
}
