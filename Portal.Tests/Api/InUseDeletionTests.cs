using System.Net;
using System.Net.Http.Json;
using System.Text;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>
/// Deleting what something else uses is refused with the list of what uses it, across tenants, on real PostgreSQL;
/// once nothing does, it goes. What the portal ships stays.
/// </summary>
public sealed class InUseDeletionTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private static async Task<string> RefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_cartridge_an_application_runs_or_a_group_holds_is_kept_until_they_go()
    {
        var tenant = ApiClient.UniqueTenant("del");
        var cartridge = $"lean-{Guid.NewGuid().ToString("N")[..6]}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name = cartridge, displayName = "Lean", version = "1", image = "portal/php:8.2", containerPort = 8080,
        })).StatusCode);
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge })).StatusCode);

        Assert.Equal($"'{cartridge}' runs 1 application(s): {tenant}/web. Delete them first.", await RefusalAsync(await ops.DeleteAsync($"/api/v1/cartridges/{cartridge}")));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/cartridges/{cartridge}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/web")).StatusCode);
        var group = $"stack-{cartridge}";
        var imported = await ops.PostAsync("/api/v1/import/stratos",
            new StringContent($$"""{ "name": "{{group}}", "cartridges": ["{{cartridge}}", "mysql"] }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Contains(await ops.GetFromJsonAsync<List<GroupRow>>("/api/v1/cartridge-groups") ?? [], g => g.Name == group && g.Cartridges.SequenceEqual([cartridge, "mysql"]));
        Assert.Equal($"'{cartridge}' is in the cartridge group(s) {group}. Delete that group first.", await RefusalAsync(await ops.DeleteAsync($"/api/v1/cartridges/{cartridge}")));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/cartridge-groups/{group}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/cartridge-groups/{group}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync($"/api/v1/cartridge-groups/{group}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/cartridges/{cartridge}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"/api/v1/cartridges/{cartridge}")).StatusCode);

        Assert.Equal("'php' is built in: the portal ships it and keeps it.", await RefusalAsync(await ops.DeleteAsync("/api/v1/cartridges/php")));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync("/api/v1/cartridges/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task A_deployment_policy_that_places_applications_is_kept_and_the_default_always()
    {
        var tenant = ApiClient.UniqueTenant("dep");
        var policy = $"tight-{Guid.NewGuid().ToString("N")[..6]}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "local", maxMembers = 2 } },
        })).StatusCode);
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "api", cartridge = "php", deploymentPolicy = policy })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "site", cartridge = "php", deploymentPolicy = policy })).StatusCode);

        Assert.Equal($"'{policy}' places 2 application(s): {tenant}/api, {tenant}/site. Delete them first.",
            await RefusalAsync(await ops.DeleteAsync($"/api/v1/admin/deployment-policies/{policy}")));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/admin/deployment-policies/{policy}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/api")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/site")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/admin/deployment-policies/{policy}")).StatusCode);
        Assert.DoesNotContain(await ops.GetFromJsonAsync<List<GroupRow>>("/api/v1/deployment-policies") ?? [], p => p.Name == policy);

        Assert.Equal("'default' is the policy applications get when they name none; it stays.",
            await RefusalAsync(await ops.DeleteAsync("/api/v1/admin/deployment-policies/default")));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync("/api/v1/admin/deployment-policies/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task An_application_others_start_after_is_kept_until_they_go()
    {
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("order"));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "first", cartridge = "php" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "second", cartridge = "php", startAfter = new[] { "first" } })).StatusCode);
        var unknown = await client.PostAsJsonAsync("/api/v1/applications", new { name = "third", cartridge = "php", startAfter = new[] { "ghost" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("You have no application named 'ghost' to start after.", (await unknown.JsonAsync()).GetProperty("detail").GetString());

        Assert.Equal("'second' starts after 'first': delete that application first.", await RefusalAsync(await client.DeleteAsync("/api/v1/applications/first")));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/second")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/first")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_load_balancing_algorithm_is_a_problem_not_a_stored_number()
    {
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("lb"));
        using var created = await client.PostAsync("/api/v1/applications",
            new StringContent("""{ "name": "web", "cartridge": "php", "loadBalancing": 7 }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.True((await created.JsonAsync()).GetProperty("errors").TryGetProperty("loadBalancing", out _));

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php" })).StatusCode);
        using var routed = await client.PutAsync("/api/v1/applications/web/routing",
            new StringContent("""{ "loadBalancing": 9 }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, routed.StatusCode);
        Assert.Equal("roundRobin", (await (await client.GetAsync("/api/v1/applications/web")).JsonAsync()).GetProperty("routing").GetProperty("loadBalancing").GetString());
    }

    private sealed record GroupRow(string Name, List<string> Cartridges);
}
