using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>Tenants' quotas on real PostgreSQL: admins set them, tenants read theirs, and creating and scaling applications stop at them with the reason.</summary>
public sealed class QuotasApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private async Task<HttpResponseMessage> SetQuotaAsync(string tenant, object quota)
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        return await ops.PutAsJsonAsync($"/api/v1/admin/tenants/{tenant}/quota", quota);
    }

    [Fact]
    public async Task Creating_and_scaling_stop_at_the_quota_with_the_reason_and_the_tenant_reads_its_quota()
    {
        var tenant = ApiClient.UniqueTenant("quota");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.OK, (await SetQuotaAsync(tenant, new { maxMembers = 3, maxMemoryMb = 1024, maxApplications = 2 })).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", minMembers = 2, maxMembers = 4 })).StatusCode);

        // A third member fits (3 members, 768 MB of 1024); a fourth does not.
        using var scaled = await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 3 });
        Assert.Equal(HttpStatusCode.OK, scaled.StatusCode);
        using var tooMany = await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 4 });
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        var problem = await tooMany.JsonAsync();
        Assert.Equal("Your tenant's quota allows 3 members in all; its applications run 3, and 1 more were asked for. " +
                     "Ask a platform admin for more, or scale another application down.", problem.GetProperty("errors").GetProperty("members")[0].GetString());
        Assert.Equal(3, (await (await client.GetAsync("/api/v1/applications/web")).JsonAsync()).GetProperty("desiredMembers").GetInt32());

        // A new application needs a member the quota no longer has; scaling down frees one.
        using var noRoom = await client.PostAsJsonAsync("/api/v1/applications", new { name = "api", cartridge = "php" });
        Assert.Equal(HttpStatusCode.Conflict, noRoom.StatusCode);
        Assert.Contains("quota allows 3 members", (await noRoom.JsonAsync()).GetProperty("errors").GetProperty("quota")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "api", cartridge = "php" })).StatusCode);

        // Two applications are the most; the tenant sees its quota and usage.
        using var third = await client.PostAsJsonAsync("/api/v1/applications", new { name = "db", cartridge = "mysql" });
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal("Your tenant's quota allows 2 applications, and it has 2. Delete one, or ask a platform admin for more.",
            (await third.JsonAsync()).GetProperty("errors").GetProperty("quota")[0].GetString());
        var mine = await (await client.GetAsync("/api/v1/quota")).JsonAsync();
        Assert.Equal((tenant, 3, 1024, 2), (mine.GetProperty("tenant").GetString(), mine.GetProperty("maxMembers").GetInt32(),
            mine.GetProperty("maxMemoryMb").GetInt32(), mine.GetProperty("maxApplications").GetInt32()));
        Assert.Equal((2, 3, 768L), (mine.GetProperty("applications").GetInt32(), mine.GetProperty("members").GetInt32(), mine.GetProperty("memoryMb").GetInt64()));
    }

    [Fact]
    public async Task Memory_bounds_members_of_large_cartridges_and_an_autoscaling_minimum_too()
    {
        var tenant = ApiClient.UniqueTenant("quotamem");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.OK, (await SetQuotaAsync(tenant, new { maxMemoryMb = 600 })).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "db", cartridge = "mysql" })).StatusCode); // 512 MB
        using var php = await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php" }); // 256 more: 768
        Assert.Equal(HttpStatusCode.Conflict, php.StatusCode);
        Assert.Contains("600 MB of memory in all; its members use 512 MB", (await php.JsonAsync()).GetProperty("errors").GetProperty("quota")[0].GetString());

        Assert.Equal(HttpStatusCode.OK, (await SetQuotaAsync(tenant, new { maxMemoryMb = 1024 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", maxMembers = 4 })).StatusCode);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var policy = $"q-{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new { name = policy, cpuPercent = 70 })).StatusCode);
        using var minimum = await client.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = policy, minMembers = 3, maxMembers = 4 });
        Assert.Equal(HttpStatusCode.Conflict, minimum.StatusCode);
        Assert.Contains("1024 MB of memory", (await minimum.JsonAsync()).GetProperty("errors").GetProperty("minMembers")[0].GetString());
        using var fits = await client.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = policy, minMembers = 2, maxMembers = 4 });
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Only_platform_admins_set_quotas_and_bad_figures_are_refused_by_field()
    {
        var tenant = ApiClient.UniqueTenant("quotaadm");
        using var client = await fixture.Portal.SignUpAsync(tenant);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/v1/admin/tenants/{tenant}/quota", new { maxMembers = 100 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/admin/tenants/{tenant}/quota")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SetQuotaAsync("no-such-tenant", new { maxMembers = 1 })).StatusCode);
        using var bad = await SetQuotaAsync(tenant, new { maxMembers = -1, maxApplications = 2_000_000 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.JsonAsync()).GetProperty("errors");
        Assert.Equal("The maximum of members must be between 0 and 1,000,000, or empty for no limit.", errors.GetProperty("maxMembers")[0].GetString());
        Assert.True(errors.TryGetProperty("maxApplications", out _));
        using var wrongType = await SetQuotaAsync(tenant, new { maxMembers = "many" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);

        // Unset, nothing limits; the admin reads it back.
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var quota = await (await ops.GetAsync($"/api/v1/admin/tenants/{tenant}/quota")).JsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, quota.GetProperty("maxMembers").ValueKind);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", minMembers = 5, maxMembers = 5 })).StatusCode);
    }
}
