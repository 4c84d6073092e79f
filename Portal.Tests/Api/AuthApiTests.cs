using System.Net;
using System.Net.Http.Json;
using System.Text;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>Sign-up, sign-in and <c>/me</c> over the REST API, on a real PostgreSQL database.</summary>
public sealed class AuthApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task Register_login_and_me_return_the_new_tenant_and_its_admin()
    {
        var tenant = ApiClient.UniqueTenant("acme");
        using var anonymous = fixture.Portal.CreateClient();

        var register = await anonymous.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"Founder@{tenant}.test", password = ApiClient.Password, tenant });
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.Equal(tenant, (await register.JsonAsync()).GetProperty("tenant").GetString());

        var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { email = $"founder@{tenant}.test", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = await login.JsonAsync();
        Assert.Equal("Bearer", token.GetProperty("tokenType").GetString());
        Assert.True(token.GetProperty("expiresIn").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(token.GetProperty("refreshToken").GetString()));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        var me = await (await anonymous.SendAsync(request)).JsonAsync();
        Assert.Equal($"Founder@{tenant}.test", me.GetProperty("email").GetString());
        Assert.Equal(tenant, me.GetProperty("tenant").GetString());
        Assert.Equal(["TenantAdmin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Refresh_token_gives_a_new_access_token()
    {
        var tenant = ApiClient.UniqueTenant("refresh");
        using var signedUp = await fixture.Portal.SignUpAsync(tenant);
        using var client = fixture.Portal.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = $"admin@{tenant}.test", password = ApiClient.Password })).JsonAsync();

        var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh",
            new { refreshToken = login.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new("Bearer", (await refreshed.JsonAsync()).GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var forged = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token" });
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Null(forged.Headers.Location); // an API client is not sent to the browser's sign-in page
    }

    [Fact]
    public async Task Wrong_password_is_401_with_problem_details()
    {
        var tenant = ApiClient.UniqueTenant("wrongpw");
        using var signedUp = await fixture.Portal.SignUpAsync(tenant);
        using var client = fixture.Portal.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"admin@{tenant}.test", password = "nope-nope-nope" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Wrong email or password.", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/v1/me")]
    [InlineData("/api/v1/users")]
    [InlineData("/api/v1/invitations")]
    [InlineData("/api/v1/admin/tenants")]
    public async Task Api_without_a_bearer_token_is_401(string path)
    {
        using var client = fixture.Portal.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
    }

    public static TheoryData<string, string, string> BadRegistrations => new()
    {
        { "malformed JSON", """{"email": "a@b.test", """, "" },
        { "not an object", """[1, 2]""", "" },
        { "email of the wrong type", """{"email": 5, "password": "Passw0rd-Long", "tenant": "wrongtype"}""", "email" },
        { "tenant of the wrong type", """{"email": "a@b.test", "password": "Passw0rd-Long", "tenant": {"x": 1}}""", "tenant" },
        { "missing email", """{"password": "Passw0rd-Long", "tenant": "missing-email"}""", "email" },
        { "missing password", """{"email": "a@b.test", "tenant": "missing-pw"}""", "password" },
        { "missing tenant", """{"email": "a@b.test", "password": "Passw0rd-Long"}""", "tenant" },
        { "empty body object", """{}""", "email" },
        { "email not an email", """{"email": "nope", "password": "Passw0rd-Long", "tenant": "bad-email"}""", "email" },
        { "over-long email", $$"""{"email": "{{new string('a', 300)}}@b.test", "password": "Passw0rd-Long", "tenant": "long-email"}""", "email" },
        { "over-long password", $$"""{"email": "a@b.test", "password": "{{new string('p', 500)}}", "tenant": "long-pw"}""", "password" },
        { "over-long tenant", $$"""{"email": "a@b.test", "password": "Passw0rd-Long", "tenant": "{{new string('t', 100)}}"}""", "tenant" },
        { "tenant with capitals", """{"email": "a@b.test", "password": "Passw0rd-Long", "tenant": "Acme"}""", "tenant" },
        { "tenant with a dot", """{"email": "a@b.test", "password": "Passw0rd-Long", "tenant": "ac.me"}""", "tenant" },
        { "reserved tenant", """{"email": "a@b.test", "password": "Passw0rd-Long", "tenant": "platform"}""", "tenant" },
        { "tenant with a trailing newline", """{"email": "a@b.test", "password": "Passw0rd-Long", "tenant": "acme\n"}""", "tenant" },
        { "NUL in the email", """{"email": "a\u0000b@b.test", "password": "Passw0rd-Long", "tenant": "nul-email"}""", "email" },
        { "space in the email", """{"email": "we ird@b.test", "password": "Passw0rd-Long", "tenant": "space-email"}""", "email" },
        { "weak password", """{"email": "weak@b.test", "password": "short", "tenant": "weak-pw"}""", "password" },
        { "password without digits", """{"email": "nodigit@b.test", "password": "PasswordLong", "tenant": "no-digit"}""", "password" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Bad_registration_is_400_with_field_level_problem_details(string why, string body, string field)
    {
        using var client = fixture.Portal.CreateClient();

        var response = await client.PostAsync("/api/v1/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"{why}: no error for '{field}' in {errors}");
        Assert.Contains(messages.EnumerateArray(), m => !string.IsNullOrWhiteSpace(m.GetString()));
    }

    [Fact]
    public async Task A_request_without_a_body_is_400_saying_so()
    {
        using var client = fixture.Portal.CreateClient();

        var response = await client.PostAsync("/api/v1/auth/register", new StringContent("", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The request needs a JSON body.", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_login_with_a_control_character_is_400_not_500()
    {
        using var client = fixture.Portal.CreateClient();

        var response = await client.PostAsync("/api/v1/auth/login",
            new StringContent("""{"email": "a\u0000b@b.test", "password": "x"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Simultaneous_sign_ups_with_one_email_give_one_account_and_clean_conflicts()
    {
        var email = $"race-{Guid.NewGuid():N}@race.test";
        using var client = fixture.Portal.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/register",
                new { email, password = ApiClient.Password, tenant = ApiClient.UniqueTenant("race") })));

        var codes = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, codes.Count(c => c == HttpStatusCode.OK));
        Assert.All(codes, c => Assert.Contains(c, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
    }

    [Fact]
    public async Task Taken_tenant_name_or_email_is_409_and_creates_nothing()
    {
        var tenant = ApiClient.UniqueTenant("taken");
        using var signedUp = await fixture.Portal.SignUpAsync(tenant);
        using var client = fixture.Portal.CreateClient();

        var sameTenant = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"other@{tenant}.test", password = ApiClient.Password, tenant });
        Assert.Equal(HttpStatusCode.Conflict, sameTenant.StatusCode);
        Assert.True((await sameTenant.JsonAsync()).GetProperty("errors").TryGetProperty("tenant", out _));

        var otherTenant = ApiClient.UniqueTenant("taken");
        var sameEmail = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"admin@{tenant}.test", password = ApiClient.Password, tenant = otherTenant });
        Assert.Equal(HttpStatusCode.Conflict, sameEmail.StatusCode);
        Assert.True((await sameEmail.JsonAsync()).GetProperty("errors").TryGetProperty("email", out _));

        // The rejected sign-ups left nothing behind: the other tenant name is still free.
        var retry = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"new@{otherTenant}.test", password = ApiClient.Password, tenant = otherTenant });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Failed_password_rules_roll_the_tenant_back()
    {
        var tenant = ApiClient.UniqueTenant("rollback");
        using var client = fixture.Portal.CreateClient();

        var weak = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"a@{tenant}.test", password = "alllowercase", tenant });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);

        var retry = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"a@{tenant}.test", password = ApiClient.Password, tenant });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }
}
