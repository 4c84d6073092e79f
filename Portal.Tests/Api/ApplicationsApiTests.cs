using System.Net;
using System.Net.Http.Json;
using System.Text;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>
/// The applications API's rules and tenant isolation (on PostgreSQL; whether the members run is proven in
/// Portal.Tests.Applications on a real engine).
/// </summary>
public sealed class ApplicationsApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task Tenant_B_cannot_see_scale_delete_or_link_the_applications_of_tenant_A()
    {
        using var a = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("alpha"));
        using var b = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("beta"));
        await a.CreateApplicationAsync(new { name = "db", cartridge = "mysql" });
        await a.CreateApplicationAsync(new { name = "shop", cartridge = "php", minMembers = 1, maxMembers = 2, links = new[] { "db" } });

        foreach (var name in new[] { "db", "shop" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/applications/{name}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsJsonAsync($"/api/v1/applications/{name}/scale", new { members = 1 })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync($"/api/v1/applications/{name}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.PutAsJsonAsync($"/api/v1/applications/{name}/link", new { database = (string?)null })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/api/v1/applications/{name}")).StatusCode);
        }

        Assert.Empty((await (await b.GetAsync("/api/v1/applications")).JsonAsync()).EnumerateArray());
        Assert.Equal(["db", "shop"], (await (await a.GetAsync("/api/v1/applications")).JsonAsync()).EnumerateArray()
            .Select(x => x.GetProperty("name").GetString()));

        // B cannot link to A's database; names are per tenant, so B may have its own "db" and "shop".
        var link = await b.PostAsJsonAsync("/api/v1/applications", new { name = "shop", cartridge = "php", links = new[] { "db" } });
        Assert.Equal(HttpStatusCode.BadRequest, link.StatusCode);
        Assert.Contains("not a data application of your tenant", (await link.JsonAsync()).GetProperty("errors").GetProperty("links")[0].GetString());
        await b.CreateApplicationAsync(new { name = "db", cartridge = "mysql" });
        var own = await b.CreateApplicationAsync(new { name = "shop", cartridge = "php", links = new[] { "db" } });
        Assert.Equal(["db"], own.GetProperty("links").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["db"], (await (await a.GetAsync("/api/v1/applications/shop")).JsonAsync()).GetProperty("links").EnumerateArray()
            .Select(l => l.GetString()));
    }

    [Fact]
    public async Task An_application_is_linked_later_and_unlinked_only_to_its_tenants_databases()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("later"));
        await tenant.CreateApplicationAsync(new { name = "shop", cartridge = "php" });
        await tenant.CreateApplicationAsync(new { name = "api", cartridge = "php" });
        await tenant.CreateApplicationAsync(new { name = "db", cartridge = "mysql" });

        (string Application, object Body, string Message)[] refused =
        [
            ("shop", new { database = "api" }, "'api' is not a data application of your tenant."),
            ("shop", new { database = "nowhere" }, "'nowhere' is not a data application of your tenant."),
            ("shop", new { database = "shop" }, "An application cannot link to itself."),
            ("db", new { database = "db" }, "A data application does not link to other applications."),
        ];
        foreach (var (application, body, message) in refused)
        {
            using var response = await tenant.PutAsJsonAsync($"/api/v1/applications/{application}/link", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode}");
            Assert.Equal(message, (await response.JsonAsync()).GetProperty("errors").GetProperty("database")[0].GetString());
        }

        using (var linked = await tenant.PutAsJsonAsync("/api/v1/applications/shop/link", new { database = "db" }))
        {
            Assert.Equal(["db"], (await linked.JsonAsync()).GetProperty("links").EnumerateArray().Select(l => l.GetString()));
        }

        Assert.Equal(["shop"], (await (await tenant.GetAsync("/api/v1/applications/db")).JsonAsync()).GetProperty("linkedBy").EnumerateArray()
            .Select(l => l.GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.DeleteAsync("/api/v1/applications/db")).StatusCode); // linked: kept

        using (var unlinked = await tenant.PutAsJsonAsync("/api/v1/applications/shop/link", new { database = (string?)null }))
        {
            Assert.Empty((await unlinked.JsonAsync()).GetProperty("links").EnumerateArray());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.DeleteAsync("/api/v1/applications/db")).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_a_problem_naming_the_field_and_create_nothing()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("rules"));
        await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php" });

        (object Body, string Field, int Status)[] cases =
        [
            (new { name = "Shop!", cartridge = "php" }, "name", 400),
            (new { name = "s", cartridge = "php" }, "name", 400),
            (new { name = "shop", cartridge = "cobol" }, "cartridge", 400),
            (new { name = "shop", cartridge = "php", minMembers = 3, maxMembers = 2 }, "maxMembers", 400),
            (new { name = "shop", cartridge = "php", minMembers = 0 }, "minMembers", 400),
            (new { name = "shop", cartridge = "php", minMembers = 1, maxMembers = 99 }, "maxMembers", 400),
            (new { name = "data", cartridge = "mysql", minMembers = 2, maxMembers = 2 }, "maxMembers", 400),
            (new { name = "shop", cartridge = "php", links = new[] { "web" } }, "links", 400),
            (new { name = "shop", cartridge = "php", deploymentPolicy = "nowhere" }, "deploymentPolicy", 400),
            (new { name = "web", cartridge = "php" }, "name", 409),
            (new { cartridge = "php" }, "name", 400),
            (new { name = "shop", cartridge = "php", schema = "CREATE TABLE t (id INT);" }, "schema", 400),
            (new { name = "data", cartridge = "mysql", schema = new string('-', 64 * 1024 + 1) }, "schema", 400),
        ];
        foreach (var (body, field, status) in cases)
        {
            var response = await tenant.PostAsJsonAsync("/api/v1/applications", body);
            Assert.True(status == (int)response.StatusCode, $"{body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"{body}: no error for {field}");
        }

        using var malformed = new StringContent("{\"name\": \"shop\", \"minMembers\": \"many\"", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.PostAsync("/api/v1/applications", malformed)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.PostAsJsonAsync("/api/v1/applications/web/scale", new { })).StatusCode);
        Assert.Equal(["web"], (await (await tenant.GetAsync("/api/v1/applications")).JsonAsync()).EnumerateArray()
            .Select(x => x.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Only_tenant_admins_delete_applications()
    {
        var slug = ApiClient.UniqueTenant("roles");
        using var admin = await fixture.Portal.SignUpAsync(slug);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users",
            new { email = $"dev@{slug}.test", password = ApiClient.Password, role = "TenantMember" })).StatusCode);
        using var member = await fixture.Portal.SignInAsync($"dev@{slug}.test", ApiClient.Password);

        await member.CreateApplicationAsync(new { name = "app", cartridge = "php", minMembers = 1, maxMembers = 2 });
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync("/api/v1/applications/app/scale", new { members = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.DeleteAsync("/api/v1/applications/app")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/applications/app")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/v1/applications/app")).StatusCode);
    }

    [Fact]
    public async Task Routing_choices_are_validated_shown_and_only_for_the_own_tenant()
    {
        var slug = ApiClient.UniqueTenant("routing");
        using var tenant = await fixture.Portal.SignUpAsync(slug);
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("other"));
        var created = await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php", loadBalancing = "leastRequests", stickySessions = true });
        var routing = created.GetProperty("routing");
        Assert.Equal("leastRequests", routing.GetProperty("loadBalancing").GetString());
        Assert.True(routing.GetProperty("stickySessions").GetBoolean());
        Assert.Equal($"http://web.{slug}.apps.localhost/", routing.GetProperty("url").GetString());
        Assert.Equal([$"web.{slug}.apps.localhost"], routing.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));

        using var bogus = await tenant.PostAsJsonAsync("/api/v1/applications", new { name = "shop", cartridge = "php", loadBalancing = "random" });
        Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
        Assert.Equal("application/problem+json", bogus.Content.Headers.ContentType?.MediaType);
        using var missing = await tenant.PutAsJsonAsync("/api/v1/applications/web/routing", new { stickySessions = false });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains((await missing.JsonAsync()).GetProperty("errors").EnumerateObject(),
            error => error.Name.Equals("loadBalancing", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync("/api/v1/applications/web/routing", new { loadBalancing = "roundRobin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.PutAsJsonAsync("/api/v1/applications/nothing/routing", new { loadBalancing = "roundRobin" })).StatusCode);

        using var changed = await tenant.PutAsJsonAsync("/api/v1/applications/web/routing", new { loadBalancing = "roundRobin" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        routing = (await changed.JsonAsync()).GetProperty("routing");
        Assert.Equal("roundRobin", routing.GetProperty("loadBalancing").GetString());
        Assert.False(routing.GetProperty("stickySessions").GetBoolean());
        Assert.Equal(["web"], (await (await tenant.GetAsync("/api/v1/applications")).JsonAsync()).EnumerateArray()
            .Select(x => x.GetProperty("name").GetString()));
    }
}
