using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>A user of tenant B gets 404 for every resource of tenant A, and cannot change any of them.</summary>
public sealed class TenantIsolationTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task Every_resource_of_tenant_A_is_404_for_tenant_B_and_survives_its_attempts()
    {
        var tenantA = ApiClient.UniqueTenant("alpha");
        var tenantB = ApiClient.UniqueTenant("beta");
        using var a = await fixture.Portal.SignUpAsync(tenantA);
        using var b = await fixture.Portal.SignUpAsync(tenantB);

        // Tenant A owns: its admin, a second user and an invitation.
        var admin = await (await a.GetAsync("/api/v1/users")).JsonAsync();
        var adminId = admin.EnumerateArray().Single().GetProperty("id").GetString();
        var added = await a.PostAsJsonAsync("/api/v1/users", new { email = $"dev@{tenantA}.test", password = ApiClient.Password, role = "TenantMember" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var userId = (await added.JsonAsync()).GetProperty("id").GetString();
        var invited = await a.PostAsJsonAsync("/api/v1/invitations", new { email = $"new@{tenantA}.test" });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var invitationId = (await invited.JsonAsync()).GetProperty("id").GetString();

        string[] resources = [$"/api/v1/users/{adminId}", $"/api/v1/users/{userId}", $"/api/v1/invitations/{invitationId}"];
        foreach (var resource in resources)
        {
            Assert.Equal(HttpStatusCode.OK, (await a.GetAsync(resource)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync(resource)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await b.DeleteAsync(resource)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await a.GetAsync(resource)).StatusCode); // B's delete touched nothing.
        }

        // Lists only ever show the caller's own tenant.
        var usersOfB = (await (await b.GetAsync("/api/v1/users")).JsonAsync()).EnumerateArray()
            .Select(u => u.GetProperty("email").GetString()).ToList();
        Assert.Equal([$"admin@{tenantB}.test"], usersOfB);
        Assert.Empty((await (await b.GetAsync("/api/v1/invitations")).JsonAsync()).EnumerateArray());
        Assert.Single((await (await a.GetAsync("/api/v1/invitations")).JsonAsync()).EnumerateArray());
        Assert.Equal(2, (await (await a.GetAsync("/api/v1/users")).JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task A_tenant_member_can_read_the_team_but_not_change_it()
    {
        var tenant = ApiClient.UniqueTenant("roles");
        using var admin = await fixture.Portal.SignUpAsync(tenant);
        var memberEmail = $"member@{tenant}.test";
        Assert.Equal(HttpStatusCode.Created,
            (await admin.PostAsJsonAsync("/api/v1/users", new { email = memberEmail, password = ApiClient.Password })).StatusCode);
        using var member = await fixture.Portal.SignInAsync(memberEmail, ApiClient.Password);

        var me = await (await member.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal(["TenantMember"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/invitations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await member.PostAsJsonAsync("/api/v1/invitations", new { email = $"x@{tenant}.test" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await member.PostAsJsonAsync("/api/v1/users", new { email = $"y@{tenant}.test", password = ApiClient.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/admin/tenants")).StatusCode);
    }
}
