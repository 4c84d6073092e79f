using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>The cartridge catalogue over the API: built-ins from the first start, registration by platform admins.</summary>
public sealed class CartridgesApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task PHP_and_MySQL_are_in_the_catalogue_from_the_first_start()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("catalog"));

        var cartridges = (await (await tenant.GetAsync("/api/v1/cartridges")).JsonAsync()).EnumerateArray().ToList();

        var php = cartridges.Single(c => c.GetProperty("name").GetString() == "php");
        Assert.Equal("framework", php.GetProperty("category").GetString());
        Assert.Equal(8080, php.GetProperty("containerPort").GetInt32());
        Assert.Equal("http", php.GetProperty("healthCheck").GetString());
        Assert.True(php.GetProperty("builtIn").GetBoolean());
        var mysql = cartridges.Single(c => c.GetProperty("name").GetString() == "mysql");
        Assert.Equal("data", mysql.GetProperty("category").GetString());
        Assert.Equal("tcp", mysql.GetProperty("healthCheck").GetString());
        Assert.Equal("/var/lib/mysql", mysql.GetProperty("persistencePath").GetString());
        Assert.Equal(["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DATABASE_URL"],
            mysql.GetProperty("exportedVariables").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync("/api/v1/cartridges/mysql")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/api/v1/cartridges/cobol")).StatusCode);
    }

    [Fact]
    public async Task A_platform_admin_registers_any_image_and_everyone_sees_it()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var name = $"nginx-{Guid.NewGuid().ToString("N")[..6]}";

        var created = await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name, displayName = "nginx", version = "1.25", image = "nginx:1.25", containerPort = 80,
            healthCheck = "http", healthCheckPath = "/healthz", environment = new Dictionary<string, string> { ["NGINX_PORT"] = "80" },
            cpuLimit = 0.25, memoryLimitMb = 128,
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/cartridges/{name}", created.Headers.Location?.OriginalString);
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("sees"));
        var seen = await (await tenant.GetAsync($"/api/v1/cartridges/{name}")).JsonAsync();
        Assert.Equal("nginx:1.25", seen.GetProperty("image").GetString());
        Assert.Equal("80", seen.GetProperty("environment").GetProperty("NGINX_PORT").GetString());
        Assert.False(seen.GetProperty("builtIn").GetBoolean());

        var again = await ops.PostAsJsonAsync("/api/v1/cartridges", new { name, displayName = "x", version = "1", image = "nginx:1.25", containerPort = 80 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_changed_cartridge_starts_a_new_revision_of_every_application_running_it_and_bad_changes_are_refused()
    {
        var name = $"site-{Guid.NewGuid().ToString("N")[..6]}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        object Body(string image, string category = "framework", string? cartridgeName = null) => new
        {
            name = cartridgeName ?? name, displayName = "Site", version = "1", image, containerPort = 8080, category,
            environment = new Dictionary<string, string> { ["SHOP_CURRENCY"] = "EUR" },
        };
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/cartridges", Body("portal/php:8.2"))).StatusCode);
        var tenant = ApiClient.UniqueTenant("cart");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = name })).StatusCode);
        async Task<int> RevisionAsync()
        {
            await using var scope = fixture.Portal.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            return (await db.ApplicationAsync(tenant, "web")).Revision;
        }

        var before = await RevisionAsync();
        var changed = await ops.PutAsJsonAsync($"/api/v1/cartridges/{name}", Body("portal/php:8.2-custom"));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("portal/php:8.2-custom", (await changed.JsonAsync()).GetProperty("image").GetString());
        Assert.Equal("portal/php:8.2-custom", (await (await client.GetAsync($"/api/v1/cartridges/{name}")).JsonAsync()).GetProperty("image").GetString());
        Assert.Equal(before + 1, await RevisionAsync());

        // What members do not run (its display name) starts no new revision.
        var renamedDisplay = await ops.PutAsJsonAsync($"/api/v1/cartridges/{name}", new
        {
            name, displayName = "Site, renamed", version = "1", image = "portal/php:8.2-custom", containerPort = 8080,
            environment = new Dictionary<string, string> { ["SHOP_CURRENCY"] = "EUR" },
        });
        Assert.Equal(HttpStatusCode.OK, renamedDisplay.StatusCode);
        Assert.Equal("Site, renamed", (await renamedDisplay.JsonAsync()).GetProperty("displayName").GetString());
        Assert.Equal(before + 1, await RevisionAsync());

        var category = await ops.PutAsJsonAsync($"/api/v1/cartridges/{name}", Body("portal/php:8.2", "data"));
        Assert.Equal(HttpStatusCode.Conflict, category.StatusCode);
        Assert.Contains($"{tenant}/web", (await category.JsonAsync()).GetProperty("detail").GetString());
        var renamed = await ops.PutAsJsonAsync($"/api/v1/cartridges/{name}", Body("portal/php:8.2", cartridgeName: "other-name"));
        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        Assert.Contains("name", (await renamed.JsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        var badImage = await ops.PutAsJsonAsync($"/api/v1/cartridges/{name}", Body("NOT AN IMAGE"));
        Assert.Equal(HttpStatusCode.BadRequest, badImage.StatusCode);
        Assert.Contains("image", (await badImage.JsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(before + 1, await RevisionAsync());

        Assert.Equal(HttpStatusCode.Conflict, (await ops.PutAsJsonAsync("/api/v1/cartridges/php", Body("php:8.3", cartridgeName: "php"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PutAsJsonAsync("/api/v1/cartridges/nothing-here", Body("php:8.3", cartridgeName: "nothing-here"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/v1/cartridges/{name}", Body("php:8.3"))).StatusCode);
    }

    [Fact]
    public async Task A_changed_data_cartridge_does_not_roll_its_databases_which_take_it_when_their_member_is_next_replaced()
    {
        var name = $"store-{Guid.NewGuid().ToString("N")[..6]}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        object Body(string level) => new
        {
            name, displayName = "Store", version = "1", image = "portal/mysql:10.11", containerPort = 3306, category = "data",
            healthCheck = "tcp", persistencePath = "/var/lib/mysql", environment = new Dictionary<string, string> { ["LOG_LEVEL"] = level },
        };
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/cartridges", Body("info"))).StatusCode);
        var tenant = ApiClient.UniqueTenant("store");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "db", cartridge = name })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/cartridges/{name}", Body("debug"))).StatusCode);

        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(0, (await db.ApplicationAsync(tenant, "db")).Revision);
        Assert.Equal("debug", (await db.Cartridges.SingleAsync(c => c.Name == name)).Environment["LOG_LEVEL"]);
    }

    [Fact]
    public async Task Tenant_admins_cannot_register_cartridges()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("nope"));

        var response = await tenant.PostAsJsonAsync("/api/v1/cartridges", new { name = "evil", displayName = "x", version = "1", image = "evil:1", containerPort = 80 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static TheoryData<string, string> BadCartridges => new()
    {
        { """{"name": "Bad Name", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80}""", "name" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "NGINX:latest", "containerPort": 80}""", "image" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx; rm -rf /", "containerPort": 80}""", "image" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 70000}""", "containerPort" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": "eighty"}""", "containerPort" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1"}""", "containerPort" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "category": "quantum"}""", "category" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "healthCheck": "http", "healthCheckPath": "healthz"}""", "healthCheckPath" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "cpuLimit": 99}""", "cpuLimit" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "memoryLimitMb": 1}""", "memoryLimitMb" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "environment": {"1BAD": "x"}}""", "environment" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "exportedVariables": ["DB_HOST"]}""", "exportedVariables" },
        { """{"name": "ok", "displayName": "x", "version": "1", "image": "nginx:1", "containerPort": 80, "category": "data", "persistencePath": "relative/path"}""", "persistencePath" },
    };

    [Theory]
    [MemberData(nameof(BadCartridges))]
    public async Task A_bad_cartridge_is_400_naming_the_field(string body, string field)
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var response = await ops.PostAsync("/api/v1/cartridges", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}' in {errors}");
    }
}
