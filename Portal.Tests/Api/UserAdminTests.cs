using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>Platform admins find any tenant's users and disable and enable them, on real PostgreSQL; nobody else may.</summary>
public sealed class UserAdminTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private static async Task<List<JsonElement>> UsersAsync(HttpClient ops, string query)
    {
        using var response = await ops.GetAsync($"/api/v1/admin/users?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).EnumerateArray()];
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_their_token_stops_and_enabled_again_they_can()
    {
        var tenant = ApiClient.UniqueTenant("people");
        var email = $"admin@{tenant}.test";
        using var client = await fixture.Portal.SignUpAsync(tenant);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var user = Assert.Single(await UsersAsync(ops, $"tenant={tenant}"));
        Assert.Equal((email, tenant, false), (user.GetProperty("email").GetString(), user.GetProperty("tenant").GetString(), user.GetProperty("disabled").GetBoolean()));
        Assert.Equal(["TenantAdmin"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(email, Assert.Single(await UsersAsync(ops, $"search={tenant.ToUpperInvariant()}")).GetProperty("email").GetString());
        var id = user.GetProperty("id").GetString()!;

        using var disabled = await ops.PostAsync($"/api/v1/admin/users/{id}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await disabled.JsonAsync()).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/applications")).StatusCode);
        using var anonymous = fixture.Portal.CreateClient();
        using (var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = ApiClient.Password }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
            Assert.Equal("A platform admin has disabled your account. Ask them to enable it again.", (await login.JsonAsync()).GetProperty("detail").GetString());
        }

        using (var guess = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Not-the-Passw0rd" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode); // whoever lacks the password is not told the account is disabled
            Assert.DoesNotContain("disabled", (await guess.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/api/v1/admin/users/{id}/enable", null)).StatusCode);
        using var again = await fixture.Portal.SignInAsync(email, ApiClient.Password);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/applications")).StatusCode);
        Assert.False(Assert.Single(await UsersAsync(ops, $"tenant={tenant}")).GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task Only_platform_admins_manage_users_nobody_disables_themselves_and_bad_filters_are_problems()
    {
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("nosy"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/users")).StatusCode);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var admin = Assert.Single(await UsersAsync(ops, $"search={Uri.EscapeDataString(PortalFactory.AdminEmail)}"));
        Assert.Contains("PlatformAdmin", admin.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/v1/admin/users/{admin.GetProperty("id").GetString()}/disable", null)).StatusCode);

        using var self = await ops.PostAsync($"/api/v1/admin/users/{admin.GetProperty("id").GetString()}/disable", null);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Equal("You cannot disable yourself: ask another platform admin.", (await self.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("/api/v1/admin/users/no-such-id/disable", null)).StatusCode);
        using var unknown = await ops.GetAsync("/api/v1/admin/users?tenant=nobody-here");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("There is no tenant 'nobody-here'.", (await unknown.JsonAsync()).GetProperty("detail").GetString());
    }
}
