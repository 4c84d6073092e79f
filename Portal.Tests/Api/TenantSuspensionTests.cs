using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Api;

/// <summary>
/// A platform admin suspends a tenant on real PostgreSQL: its users cannot sign in and their tokens stop working, its
/// application answers a page saying why, another tenant is untouched; resuming restores all of it. Only admins may.
/// </summary>
public sealed class TenantSuspensionTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    /// <summary>What the router answers for <paramref name="host"/> once <paramref name="expected"/> shows in the page (the router follows within a second or so).</summary>
    private async Task<string> RouterPageAsync(string host, string expected)
    {
        using var router = fixture.Portal.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string body;
        do
        {
            using var response = await router.SendAsync(Get(host, "/"), TestContext.Current.CancellationToken);
            body = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
        }
        while (!body.Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline && await Pause());

        return body;
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(200);
        return true;
    }

    [Fact]
    public async Task A_suspended_tenant_cannot_sign_in_its_tokens_stop_and_its_application_says_why_until_resumed()
    {
        var tenant = ApiClient.UniqueTenant("suspend");
        var email = $"admin@{tenant}.test";
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php" })).StatusCode);
        var host = $"web.{tenant}.apps.localhost";
        Assert.StartsWith("503", await RouterPageAsync(host, "has no member ready"), StringComparison.Ordinal); // reconciler off: no member
        var bystander = ApiClient.UniqueTenant("bystander");
        using var other = await fixture.Portal.SignUpAsync(bystander);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        using var suspended = await ops.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant}/suspend", new { reason = "The invoice of October is unpaid." });
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        var summary = await suspended.JsonAsync();
        Assert.Equal("The invoice of October is unpaid.", summary.GetProperty("suspendedReason").GetString());

        // Sign-in refused with the reason; the token in hand no longer works; the application says why.
        using var anonymous = fixture.Portal.CreateClient();
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Equal("Your tenant is suspended: The invoice of October is unpaid. Ask your platform admin.", (await login.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/applications")).StatusCode);
        var page = await RouterPageAsync(host, "suspended");
        Assert.StartsWith("503", page, StringComparison.Ordinal);
        Assert.Contains("its owner&#39;s account is suspended. Reason: The invoice of October is unpaid.", page, StringComparison.Ordinal);

        // Another tenant goes on; the admin sees who is suspended.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/applications")).StatusCode);
        var listed = (await (await ops.GetAsync("/api/v1/admin/tenants")).JsonAsync()).EnumerateArray().ToDictionary(t => t.GetProperty("slug").GetString()!);
        Assert.Equal(System.Text.Json.JsonValueKind.String, listed[tenant].GetProperty("suspendedAt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed[bystander].GetProperty("suspendedAt").ValueKind);

        // Resumed: sign-in and the application work again.
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/api/v1/admin/tenants/{tenant}/resume", null)).StatusCode);
        using var again = await fixture.Portal.SignInAsync(email, ApiClient.Password);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/applications/web")).StatusCode);
        Assert.Contains("has no member ready", await RouterPageAsync(host, "has no member ready"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_platform_admins_suspend_and_bad_requests_are_problems()
    {
        var tenant = ApiClient.UniqueTenant("nosuspend");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant}/suspend", new { })).StatusCode);

        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsJsonAsync("/api/v1/admin/tenants/no-such-tenant/suspend", new { })).StatusCode);
        using var tooLong = await ops.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant}/suspend", new { reason = new string('x', 201) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.JsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/applications")).StatusCode); // nothing happened
    }
}
