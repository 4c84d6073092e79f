using System.Net;
using System.Net.Http.Json;
using System.Text;
using Portal.Tests.Git;
using Portal.Tests.Support;
using static Portal.Tests.Releases.ReleaseRequests;

namespace Portal.Tests.Api;

/// <summary>
/// Linking repositories, the push webhook and the releases API on PostgreSQL and real git repositories. The
/// reconciler and the release worker are off here, so releases stay queued: what is asserted is what gets queued
/// (the rollout itself is proven in Portal.Tests.Releases on a real engine).
/// </summary>
public sealed class ReleasesApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task Linking_checks_the_repository_by_fetching_it_and_names_the_field_that_is_wrong()
    {
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("First", "index.php", "<?php echo 1;");
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("link"));
        await client.CreateApplicationAsync(new { name = "web", cartridge = "php" });
        await client.CreateApplicationAsync(new { name = "db", cartridge = "mysql" });

        await AssertFieldAsync(client, "web", new { url = Path.Combine(git.Root, "nothing-here") }, "repository.url");
        await AssertFieldAsync(client, "web", new { url = git.Origin, branch = "no-such-branch" }, "repository.branch");
        await AssertFieldAsync(client, "web", new { url = git.Origin, branch = "bad..name" }, "repository.branch");
        await AssertFieldAsync(client, "web", new { url = "https://ana:secret@git.example.com/shop.git" }, "repository.url");
        await AssertFieldAsync(client, "web", new { url = git.Origin, pollIntervalSeconds = 2 }, "repository.pollInterval");
        await AssertFieldAsync(client, "db", new { url = git.Origin }, "repository.url");
        Assert.Empty((await client.ReleasesAsync("web")).EnumerateArray());

        var linked = await client.LinkAsync("web", new { url = git.Origin, pollIntervalSeconds = 60 });
        var secret = linked.GetProperty("webhook").GetProperty("secret").GetString();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Equal(git.Origin, linked.GetProperty("repository").GetProperty("url").GetString());
        Assert.Equal("main", linked.GetProperty("repository").GetProperty("branch").GetString());
        Assert.Equal(60, linked.GetProperty("repository").GetProperty("pollIntervalSeconds").GetInt32());
        var release = Assert.Single((await client.ReleasesAsync("web")).EnumerateArray());
        Assert.Equal("queued", release.GetProperty("state").GetString());
        Assert.Equal("user", release.GetProperty("trigger").GetString());

        // The secret is shown once: not in the application afterwards, nor when linking again (which keeps it).
        var application = await client.ApplicationAsync("web");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, application.GetProperty("webhook").GetProperty("secret").ValueKind);
        Assert.DoesNotContain(secret!, application.ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null,
            (await client.LinkAsync("web", new { url = git.Origin })).GetProperty("webhook").GetProperty("secret").ValueKind);
    }

    [Fact]
    public async Task Creating_an_application_with_a_repository_that_cannot_be_fetched_leaves_no_application()
    {
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("create"));
        var response = await client.PostAsJsonAsync("/api/v1/applications",
            new { name = "web", cartridge = "php", repository = new { url = "/nonexistent/repository.git" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("repository.url", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/applications/web")).StatusCode);
    }

    [Fact]
    public async Task The_webhook_queues_a_signed_push_once_and_refuses_or_ignores_everything_else()
    {
        using var git = await GitWorkspace.CreateAsync();
        var first = await git.CommitAsync("First", "index.php", "<?php echo 1;");
        var tenant = ApiClient.UniqueTenant("hook");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        var created = await client.CreateApplicationAsync(new { name = "web", cartridge = "php", repository = new { url = git.Origin } });
        var secret = created.GetProperty("webhook").GetProperty("secret").GetString()!;
        using var hooks = fixture.Portal.CreateClient();
        var second = await git.CommitAsync("Second", "index.php", "<?php echo 2;");

        // Wrong secret, no signature: 401, nothing queued.
        Assert.Equal(HttpStatusCode.Unauthorized, (await hooks.SendAsync(GitHubPush(tenant, "web", "wrong", second))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hooks.SendAsync(GitHubPush(tenant, "web", secret, second, signature: ""))).StatusCode);

        // Another branch: 202, ignored.
        var other = await hooks.SendAsync(GitHubPush(tenant, "web", secret, second, branch: "feature"));
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.Equal("ignored", (await other.JsonAsync()).GetProperty("status").GetString());
        Assert.Single((await client.ReleasesAsync("web")).EnumerateArray());

        // A signed push: queued, with the pushed commit; the same delivery again is not queued twice.
        var queued = await hooks.SendAsync(GitHubPush(tenant, "web", secret, second, delivery: "delivery-1"));
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        Assert.Equal(2, (await queued.JsonAsync()).GetProperty("number").GetInt32());
        var again = await hooks.SendAsync(GitHubPush(tenant, "web", secret, second, delivery: "delivery-1"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await again.JsonAsync()).GetProperty("status").GetString());
        var releases = (await client.ReleasesAsync("web")).EnumerateArray().ToList();
        Assert.Equal(2, releases.Count);
        Assert.Equal("webhook", releases[0].GetProperty("trigger").GetString());
        Assert.Equal("GitHub push by ada", releases[0].GetProperty("triggeredBy").GetString());
        Assert.NotEqual(first, second);

        // Over 1 MiB: 413 before anything else; unknown application or tenant: 404.
        var big = new HttpRequestMessage(HttpMethod.Post, $"/hooks/git/{tenant}/web") { Content = new ByteArrayContent(new byte[1024 * 1024 + 1]) };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await hooks.SendAsync(big)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hooks.SendAsync(GitHubPush(tenant, "nope", secret, second))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hooks.SendAsync(GitHubPush("no-such-tenant", "web", secret, second))).StatusCode);

        // GitLab's token header, and a regenerated secret: the old one stops working at once.
        var gitlab = new HttpRequestMessage(HttpMethod.Post, $"/hooks/git/{tenant}/web")
        {
            Content = new StringContent($$"""{"object_kind":"push","ref":"refs/heads/main","after":"{{second}}","user_username":"ana"}""", Encoding.UTF8, "application/json"),
        };
        gitlab.Headers.Add("X-Gitlab-Event", "Push Hook");
        gitlab.Headers.Add("X-Gitlab-Token", secret);
        Assert.Equal(HttpStatusCode.Accepted, (await hooks.SendAsync(gitlab)).StatusCode);
        var regenerated = await client.PostAsync("/api/v1/applications/web/webhook/regenerate", null);
        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        var fresh = (await regenerated.JsonAsync()).GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, fresh);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hooks.SendAsync(GitHubPush(tenant, "web", secret, second))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await hooks.SendAsync(GitHubPush(tenant, "web", fresh, second))).StatusCode);
    }

    [Fact]
    public async Task Deploy_and_rollback_check_their_input_and_tenant_B_cannot_touch_the_releases_of_tenant_A()
    {
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("First", "index.php", "<?php echo 1;");
        var tenantA = ApiClient.UniqueTenant("rela");
        using var a = await fixture.Portal.SignUpAsync(tenantA);
        using var b = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("relb"));
        var created = await a.CreateApplicationAsync(new { name = "web", cartridge = "php", repository = new { url = git.Origin } });
        await a.CreateApplicationAsync(new { name = "plain", cartridge = "php" });
        var release = Assert.Single((await a.ReleasesAsync("web")).EnumerateArray());
        var id = release.GetProperty("id").GetString();

        var badCommit = await a.PostAsJsonAsync("/api/v1/applications/web/releases", new { commit = "not-a-commit" });
        Assert.Equal(HttpStatusCode.BadRequest, badCommit.StatusCode);
        Assert.True((await badCommit.JsonAsync()).GetProperty("errors").TryGetProperty("commit", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostAsJsonAsync("/api/v1/applications/plain/releases", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostAsync($"/api/v1/applications/web/releases/{id}/rollback", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsJsonAsync("/api/v1/applications/web/releases", new { commit = "abcd" })).StatusCode);

        // Tenant B: A's application does not exist for it, nor do its releases or its webhook under B's name.
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/v1/applications/web/releases")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/applications/web/releases/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsJsonAsync("/api/v1/applications/web/releases", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync($"/api/v1/applications/web/releases/{id}/rollback", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PutAsJsonAsync("/api/v1/applications/web/repository", new { url = git.Origin })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync("/api/v1/applications/web/webhook/regenerate", null)).StatusCode);
        Assert.Equal(2, (await a.ReleasesAsync("web")).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/api/v1/applications/web/releases/{id}")).StatusCode);
        Assert.NotNull(created.GetProperty("webhook").GetProperty("secret").GetString());
    }

    private static async Task AssertFieldAsync(HttpClient client, string application, object repository, string field)
    {
        var response = await client.PutAsJsonAsync($"/api/v1/applications/{application}/repository", repository);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {body}");
    }
}
