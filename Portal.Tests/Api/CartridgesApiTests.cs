using System.Net;
using System.Net.Http.Json;
using System.Text;
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
