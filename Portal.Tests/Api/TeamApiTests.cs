using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>Tenant admins invite or add users; invitees join the inviting tenant with the invited role.</summary>
public sealed class TeamApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task An_invitee_accepts_once_and_joins_the_inviting_tenant_with_the_invited_role()
    {
        var tenant = ApiClient.UniqueTenant("invite");
        using var admin = await fixture.Portal.SignUpAsync(tenant);
        var invited = await admin.PostAsJsonAsync("/api/v1/invitations", new { email = $"ops@{tenant}.test", role = "TenantAdmin" });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var invitation = await invited.JsonAsync();
        Assert.Equal("pending", invitation.GetProperty("status").GetString());
        var link = new Uri(invitation.GetProperty("link").GetString()!);
        Assert.Equal("/Account/AcceptInvitation", link.AbsolutePath);
        var token = Uri.UnescapeDataString(link.Query["?token=".Length..]);

        using var anonymous = fixture.Portal.CreateClient();
        var accepted = await anonymous.PostAsJsonAsync("/api/v1/auth/accept-invitation", new { token, password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(tenant, (await accepted.JsonAsync()).GetProperty("tenant").GetString());

        var again = await anonymous.PostAsJsonAsync("/api/v1/auth/accept-invitation", new { token, password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        using var joined = await fixture.Portal.SignInAsync($"ops@{tenant}.test", ApiClient.Password);
        var me = await (await joined.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal(tenant, me.GetProperty("tenant").GetString());
        Assert.Equal(["TenantAdmin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var status = await (await admin.GetAsync($"/api/v1/invitations/{invitation.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal("accepted", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_signed_in_user_of_another_tenant_cannot_accept_but_gets_a_clear_answer()
    {
        var tenant = ApiClient.UniqueTenant("inviter");
        using var admin = await fixture.Portal.SignUpAsync(tenant);
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("other"));
        var invitation = await (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = $"new@{tenant}.test" })).JsonAsync();
        var token = Uri.UnescapeDataString(new Uri(invitation.GetProperty("link").GetString()!).Query["?token=".Length..]);

        var asOther = await other.PostAsJsonAsync("/api/v1/auth/accept-invitation", new { token, password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Conflict, asOther.StatusCode);
        Assert.Contains("Sign out", (await asOther.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var anonymous = fixture.Portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK,
            (await anonymous.PostAsJsonAsync("/api/v1/auth/accept-invitation", new { token, password = ApiClient.Password })).StatusCode);
    }

    [Fact]
    public async Task An_invitation_for_an_address_that_could_never_sign_in_is_refused()
    {
        using var admin = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("odd"));

        var response = await admin.PostAsJsonAsync("/api/v1/invitations", new { email = "we ird@odd.test" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task A_revoked_invitation_cannot_be_accepted_nor_revoked_twice()
    {
        var tenant = ApiClient.UniqueTenant("revoke");
        using var admin = await fixture.Portal.SignUpAsync(tenant);
        var invitation = await (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = $"late@{tenant}.test" })).JsonAsync();
        var id = invitation.GetProperty("id").GetString();
        var token = Uri.UnescapeDataString(new Uri(invitation.GetProperty("link").GetString()!).Query["?token=".Length..]);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/invitations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/v1/invitations/{id}")).StatusCode);

        using var anonymous = fixture.Portal.CreateClient();
        var accepted = await anonymous.PostAsJsonAsync("/api/v1/auth/accept-invitation", new { token, password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.NotFound, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = $"late@{tenant}.test", password = ApiClient.Password })).StatusCode);
    }

    [Fact]
    public async Task Admins_add_and_remove_users_but_never_themselves_or_the_last_admin()
    {
        var tenant = ApiClient.UniqueTenant("team");
        using var admin = await fixture.Portal.SignUpAsync(tenant);
        var adminId = (await (await admin.GetAsync("/api/v1/users")).JsonAsync()).EnumerateArray().Single().GetProperty("id").GetString();

        var bad = await admin.PostAsJsonAsync("/api/v1/users", new { email = $"x@{tenant}.test", password = ApiClient.Password, role = "PlatformAdmin" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("role", out _));

        var added = await (await admin.PostAsJsonAsync("/api/v1/users", new { email = $"dev@{tenant}.test", password = ApiClient.Password })).JsonAsync();
        var devId = added.GetProperty("id").GetString();
        Assert.Equal(["TenantMember"], added.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        using var dev = await fixture.Portal.SignInAsync($"dev@{tenant}.test", ApiClient.Password);
        Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync($"/api/v1/users/{adminId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/users/{devId}")).StatusCode);

        // The removed user's token stops working at once, though it has not expired.
        Assert.Equal(HttpStatusCode.Unauthorized, (await dev.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dev.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/users/{devId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await fixture.Portal.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = $"dev@{tenant}.test", password = ApiClient.Password })).StatusCode);
    }
}
