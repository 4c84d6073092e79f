using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>
/// Importing and exporting Stratos 4.1 artifacts over the API on real PostgreSQL: Stratos's own samples in its order,
/// who may import what, all or nothing, bad input as problems, and exports that import back to the same thing.
/// </summary>
public sealed class StratosImportTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    public static async Task<JsonElement> ImportAsync(HttpClient client, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync("/api/v1/import/stratos", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<string> Texts(JsonElement report, string field) => [.. report.GetProperty(field).EnumerateArray().Select(e => e.GetString()!)];

    private async Task<HttpClient> PlatformWithSamplesAsync()
    {
        var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        foreach (var sample in StratosSamples.PlatformInOrder)
        {
            await ImportAsync(ops, StratosSamples.Text(sample));
        }

        return ops;
    }

    [Fact]
    public async Task An_admin_imports_Stratoss_samples_in_order_and_each_says_what_it_mapped_onto()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var reports = new List<JsonElement>();
        foreach (var sample in StratosSamples.PlatformInOrder)
        {
            reports.Add(await ImportAsync(ops, StratosSamples.Text(sample)));
        }

        Assert.Equal(["autoscalingPolicy", "networkPartition", "deploymentPolicy", "cartridge", "cartridge", "cartridge", "cartridgeGroup", "applicationPolicy"],
            reports.Select(r => r.GetProperty("kind").GetString()));
        Assert.Contains("loadThresholds.loadAverage.threshold 70 → CPU 70 % of a member's limit", Texts(reports[0], "mapped"));
        Assert.Contains(Texts(reports[1], "warnings"), w => w.StartsWith("partition partition-1: names no Docker engine (mock provider)", StringComparison.Ordinal));
        Assert.Contains("network-partition-1 / partition-1 (partitionMax 20) → partition 'local', at most 20 members", Texts(reports[2], "mapped"));
        Assert.Contains(Texts(reports[3], "mapped"), m => m.StartsWith("type php → the cartridge 'php' exists already (built in", StringComparison.Ordinal));
        Assert.Contains(Texts(reports[5], "mapped"), m => m is "type:version → Docker image tomcat:7" || m.Contains("(registered, image tomcat:7)", StringComparison.Ordinal));
        Assert.Contains("startup order cartridge.my-mysql → cartridge.my-php → each application starts once the one before it has an Active member", Texts(reports[6], "mapped"));
        Assert.Contains(Texts(reports[7], "mapped"), m => m.StartsWith("id application-policy-1 → nothing stored", StringComparison.Ordinal));

        // What was imported is what the portal now holds.
        var policy = await (await ops.GetAsync("/api/v1/autoscaling-policies/autoscaling-policy-1")).JsonAsync();
        Assert.Equal((70, 70, 20), (policy.GetProperty("cpuPercent").GetInt32(), policy.GetProperty("memoryPercent").GetInt32(), policy.GetProperty("requestsInFlight").GetInt32()));
        var tomcat = await (await ops.GetAsync("/api/v1/cartridges/tomcat")).JsonAsync();
        Assert.Equal(("tomcat:7", 8080), (tomcat.GetProperty("image").GetString(), tomcat.GetProperty("containerPort").GetInt32()));
        var deployment = await ops.GetFromJsonAsync<JsonElement>("/api/v1/deployment-policies");
        var imported = Assert.Single(deployment.EnumerateArray(), p => p.GetProperty("name").GetString() == "deployment-policy-1");
        Assert.Equal("oneAfterAnother", imported.GetProperty("algorithm").GetString());

        // Importing again changes nothing and says so.
        var again = await ImportAsync(ops, StratosSamples.Text(StratosSamples.Tomcat));
        Assert.Contains(Texts(again, "mapped"), m => m.StartsWith("type tomcat → the cartridge 'tomcat' exists already (registered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tenant_imports_the_wordpress_application_as_its_own_applications_with_php_starting_after_mysql()
    {
        using var ops = await PlatformWithSamplesAsync();
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("wp"));

        var report = await ImportAsync(tenant, StratosSamples.Text(StratosSamples.Wordpress));

        Assert.Equal(("application", "wordpress"), (report.GetProperty("kind").GetString(), report.GetProperty("name").GetString()));
        Assert.Contains("mysql-php-group / my-php (php) → application 'my-php': 2 to 5 members, autoscaled by 'autoscaling-policy-1', deployment policy " +
                        "'deployment-policy-1', starts after my-mysql, linked to my-mysql's database (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DATABASE_URL)",
            Texts(report, "mapped"));
        var warnings = Texts(report, "warnings");
        Assert.Contains("my-mysql: cartridgeMin 2 / cartridgeMax 5 → 1 member (a data application's data lives on one volume).", warnings);
        Assert.Contains(warnings, w => w.StartsWith("my-php: artifactRepository https://github.com/imesh/stratos-php-applications.git is not linked", StringComparison.Ordinal));

        var php = await (await tenant.GetAsync("/api/v1/applications/my-php")).JsonAsync();
        Assert.Equal(["my-mysql"], php.GetProperty("startAfter").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["my-mysql"], php.GetProperty("links").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal((2, 5), (php.GetProperty("minMembers").GetInt32(), php.GetProperty("maxMembers").GetInt32()));
        Assert.Equal(("autoscaling-policy-1", "deployment-policy-1"), (php.GetProperty("autoscalingPolicy").GetString(), php.GetProperty("deploymentPolicy").GetString()));
        var mysql = await (await tenant.GetAsync("/api/v1/applications/my-mysql")).JsonAsync();
        Assert.Equal(("mysql", 1), (mysql.GetProperty("cartridge").GetString(), mysql.GetProperty("maxMembers").GetInt32()));

        // The export is one Stratos application with the startup order, and it imports into another tenant the same way.
        var exported = await tenant.GetStringAsync("/api/v1/export/stratos/application/my-php");
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("wp2"));
        await ImportAsync(other, exported);
        var copy = await (await other.GetAsync("/api/v1/applications/my-php")).JsonAsync();
        Assert.Equal(["my-mysql"], copy.GetProperty("startAfter").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["my-mysql"], copy.GetProperty("links").EnumerateArray().Select(e => e.GetString()));

        // Neither tenant sees the other's; the one the others start after cannot go first.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/export/stratos/application/nothing-here")).StatusCode);
        using var stranger = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("wp3"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/api/v1/applications/my-php")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/api/v1/export/stratos/application/my-php")).StatusCode);
    }

    [Fact]
    public async Task The_single_cartridge_sample_becomes_one_autoscaled_application()
    {
        using var ops = await PlatformWithSamplesAsync();
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("single"));

        var report = await ImportAsync(tenant, StratosSamples.Text(StratosSamples.SingleCartridgeApp));

        Assert.Equal(["my-php (php) → application 'my-php': 1 to 5 members, autoscaled by 'autoscaling-policy-1', deployment policy 'deployment-policy-1'"],
            Texts(report, "mapped"));
        var php = await (await tenant.GetAsync("/api/v1/applications/my-php")).JsonAsync();
        Assert.Equal((1, 5, "autoscaling-policy-1"), (php.GetProperty("minMembers").GetInt32(), php.GetProperty("maxMembers").GetInt32(), php.GetProperty("autoscalingPolicy").GetString()));
        Assert.Empty(php.GetProperty("startAfter").EnumerateArray());
        Assert.Empty(php.GetProperty("links").EnumerateArray());
    }

    [Fact]
    public async Task An_application_import_is_all_or_nothing()
    {
        using var ops = await PlatformWithSamplesAsync();
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("whole"));
        Assert.Equal(HttpStatusCode.Created, (await tenant.PostAsJsonAsync("/api/v1/applications", new { name = "my-php", cartridge = "php" })).StatusCode);

        var problem = await ImportAsync(tenant, StratosSamples.Text(StratosSamples.Wordpress), HttpStatusCode.Conflict);

        Assert.Equal("my-php: You have an application named 'my-php' already.", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/api/v1/applications/my-mysql")).StatusCode);
    }

    [Fact]
    public async Task Tenants_import_only_applications_and_bad_artifacts_are_problems_that_name_the_fault()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("imp"));
        var forbidden = await ImportAsync(tenant, StratosSamples.Text(StratosSamples.Tomcat), HttpStatusCode.Forbidden);
        Assert.Equal("Only platform admins import a cartridge; tenants import applications.", forbidden.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/v1/export/stratos/cartridge/php")).StatusCode);

        var notJson = await ImportAsync(tenant, "{ \"id\": ", HttpStatusCode.BadRequest);
        Assert.StartsWith("This is not JSON:", notJson.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unknown = await ImportAsync(tenant, """{ "colour": "blue" }""", HttpStatusCode.BadRequest);
        Assert.Contains("not a Stratos 4.1 artifact", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var noCartridge = await ImportAsync(tenant, """
            { "applicationId": "x", "components": { "cartridges": [{ "type": "cobol", "subscribableInfo": { "alias": "legacy" } }] } }
            """, HttpStatusCode.BadRequest);
        Assert.Equal("legacy: There is no cartridge named 'cobol'.", noCartridge.GetProperty("detail").GetString());
        var undefinedGroup = await ImportAsync(tenant, """
            { "applicationId": "x", "components": { "groups": [{ "name": "nowhere", "cartridges": [{ "type": "php", "subscribableInfo": { "alias": "web" } }] }] } }
            """, HttpStatusCode.BadRequest);
        Assert.Equal("The cartridge group 'nowhere' is not defined: import it first.", undefinedGroup.GetProperty("detail").GetString());

        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var missing = await ImportAsync(ops, """{ "name": "stack", "cartridges": ["php", "cobol"] }""", HttpStatusCode.BadRequest);
        Assert.Equal("'cobol' is not in the catalogue: import or register it first.", missing.GetProperty("detail").GetString());
        var badThreshold = await ImportAsync(ops, """{ "id": "hot", "loadThresholds": { "loadAverage": { "threshold": "250" } } }""", HttpStatusCode.BadRequest);
        Assert.True(badThreshold.GetProperty("errors").TryGetProperty("cpuPercent", out _), badThreshold.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/v1/export/stratos/spaceship/x")).StatusCode);
    }

    [Fact]
    public async Task Exported_platform_artifacts_import_back_to_the_same_thing_once_deleted()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var id = Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name = $"kv-{id}", displayName = "Key-value store", version = "7.2", category = "data", image = "redis:7.2", containerPort = 6379,
            healthCheck = "tcp", cpuLimit = 0.25, memoryLimitMb = 128, persistencePath = "/data", exportedVariables = new[] { "REDIS_URL" },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new
        {
            name = $"calm-{id}", cpuPercent = 60, requestsInFlight = 15, evaluationIntervalSeconds = 10, windowSeconds = 120,
            horizonSeconds = 30, scaleUpCooldownSeconds = 20, scaleDownCooldownSeconds = 90, scaleDownAfter = 4, prediction = false,
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/spread-{id}", new
        {
            algorithm = "oneAfterAnother",
            partitions = new object[] { new { partition = "local", maxMembers = 3 } },
        })).StatusCode);
        await ImportAsync(ops, $$"""{ "name": "pair-{{id}}", "cartridges": ["kv-{{id}}", "php"], "dependencies": { "startupOrders": ["cartridge.kv,cartridge.web"] } }""");

        foreach (var (kind, name, path) in new[]
                 {
                     ("cartridge", $"kv-{id}", $"/api/v1/cartridges/kv-{id}"),
                     ("autoscalingPolicy", $"calm-{id}", $"/api/v1/autoscaling-policies/calm-{id}"),
                     ("deploymentPolicy", $"spread-{id}", $"/api/v1/admin/deployment-policies/spread-{id}"),
                     ("cartridgeGroup", $"pair-{id}", $"/api/v1/cartridge-groups/pair-{id}"),
                 })
        {
            var exported = await ops.GetStringAsync($"/api/v1/export/stratos/{kind}/{name}");
            if (kind == "cartridge")
            {
                Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/cartridge-groups/pair-{id}")).StatusCode); // the group holds it
            }

            Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync(path)).StatusCode);
            var report = await ImportAsync(ops, exported);
            Assert.Equal((kind, name), (report.GetProperty("kind").GetString(), report.GetProperty("name").GetString()));
            Assert.DoesNotContain(Texts(report, "warnings"), w => w.Contains("unknown field", StringComparison.Ordinal));
            Assert.Equal(exported, await ops.GetStringAsync($"/api/v1/export/stratos/{kind}/{name}"));
            if (kind == "cartridge")
            {
                await ImportAsync(ops, $$"""{ "name": "pair-{{id}}", "cartridges": ["kv-{{id}}", "php"], "dependencies": { "startupOrders": ["cartridge.kv,cartridge.web"] } }""");
            }
        }

        var kv = await (await ops.GetAsync($"/api/v1/cartridges/kv-{id}")).JsonAsync();
        Assert.Equal(("tcp", "/data", 128), (kv.GetProperty("healthCheck").GetString(), kv.GetProperty("persistencePath").GetString(), kv.GetProperty("memoryLimitMb").GetInt32()));
        var calm = await (await ops.GetAsync($"/api/v1/autoscaling-policies/calm-{id}")).JsonAsync();
        Assert.Equal((4, false), (calm.GetProperty("scaleDownAfter").GetInt32(), calm.GetProperty("prediction").GetBoolean()));

        var local = JsonDocument.Parse(await ops.GetStringAsync("/api/v1/export/stratos/networkPartition/local")).RootElement;
        var property = local.GetProperty("partitions")[0].GetProperty("property")[0];
        Assert.Equal("endpoint", property.GetProperty("name").GetString());
    }
}
