using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>The configured platform admin, health endpoints and the OpenAPI document.</summary>
public sealed class PlatformApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task The_configured_platform_admin_sees_every_tenant()
    {
        var tenant = ApiClient.UniqueTenant("seen");
        using var signedUp = await fixture.Portal.SignUpAsync(tenant);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var me = await (await ops.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Contains("PlatformAdmin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("platform", me.GetProperty("tenant").GetString());

        var tenants = await (await ops.GetAsync("/api/v1/admin/tenants")).JsonAsync();
        var row = tenants.EnumerateArray().Single(t => t.GetProperty("slug").GetString() == tenant);
        Assert.Equal(1, row.GetProperty("users").GetInt32());
    }

    [Fact]
    public async Task Nobody_removes_the_platform_admin_through_the_team()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var opsId = (await (await ops.GetAsync("/api/v1/users")).JsonAsync()).EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == PortalFactory.AdminEmail).GetProperty("id").GetString();
        var helperEmail = $"helper-{Guid.NewGuid():N}@platform.test";
        Assert.Equal(HttpStatusCode.Created,
            (await ops.PostAsJsonAsync("/api/v1/users", new { email = helperEmail, password = ApiClient.Password, role = "TenantAdmin" })).StatusCode);
        using var helper = await fixture.Portal.SignInAsync(helperEmail, ApiClient.Password);

        var removal = await helper.DeleteAsync($"/api/v1/users/{opsId}");

        Assert.Equal(HttpStatusCode.BadRequest, removal.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_healthy()
    {
        using var client = fixture.Portal.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/healthz"));
        Assert.Equal("Healthy", await client.GetStringAsync("/readyz"));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_contract()
    {
        using var client = fixture.Portal.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/me", "/api/v1/users", "/api/v1/invitations" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task An_unknown_API_path_is_a_404_problem()
    {
        using var client = fixture.Portal.CreateClient();
        var response = await client.GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
