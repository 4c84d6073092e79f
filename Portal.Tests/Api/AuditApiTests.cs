using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Git;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>
/// The audit log on real PostgreSQL: a tenant's and an admin's changes with who, when, what and the values before and
/// after, secrets masked; only platform admins read it, narrowed by tenant, person and kind; bad filters are problems.
/// </summary>
public sealed class AuditApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private static async Task<List<JsonElement>> AuditAsync(HttpClient ops, string query)
    {
        using var response = await ops.GetAsync($"/api/v1/admin/audit?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).EnumerateArray()];
    }

    private static JsonElement Values(JsonElement entry, string side) => JsonDocument.Parse(entry.GetProperty(side).GetString()!).RootElement;

    [Fact]
    public async Task Tenant_and_admin_changes_are_recorded_with_who_what_and_before_and_after_and_secrets_masked()
    {
        var tenant = ApiClient.UniqueTenant("audit");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        var token = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", minMembers = 1, maxMembers = 3 }, token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 2 }, token)).StatusCode);
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("First", [("index.php", "<?php echo 'v1';")]);
        using var linked = await client.PutAsJsonAsync("/api/v1/applications/web/repository", new { url = git.Origin, branch = "main" }, token);
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        var webhookSecret = (await linked.JsonAsync()).GetProperty("webhook").GetProperty("secret").GetString()!;
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/tenants/{tenant}/quota", new { maxMembers = 5 }, token)).StatusCode);
        var policy = $"audited-{Guid.NewGuid().ToString("N")[..6]}";
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new { name = policy, cpuPercent = 70 }, token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = policy, minMembers = 1, maxMembers = 4 }, token)).StatusCode);

        var entries = await AuditAsync(ops, $"tenant={tenant}");
        var times = entries.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times); // newest first
        Assert.All(entries, e => Assert.Equal(tenant, e.GetProperty("tenant").GetString()));

        var created = Assert.Single(entries, e => e.GetProperty("action").GetString() == "added" && e.GetProperty("entity").GetString() == "Application");
        Assert.Equal(($"admin@{tenant}.test", "web"), (created.GetProperty("actor").GetString(), created.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("before").ValueKind);
        Assert.Equal(3, Values(created, "after").GetProperty("MaxMembers").GetInt32());

        var scaled = Assert.Single(entries, e => e.GetProperty("action").GetString() == "modified" && e.GetProperty("entity").GetString() == "Application"
                                                 && Values(e, "after").TryGetProperty("DesiredMembers", out _));
        Assert.Equal((1, 2), (Values(scaled, "before").GetProperty("DesiredMembers").GetInt32(), Values(scaled, "after").GetProperty("DesiredMembers").GetInt32()));
        Assert.DoesNotContain("MaxMembers", scaled.GetProperty("after").GetString(), StringComparison.Ordinal); // only what changed

        // A change made in one statement (the autoscaling choice) is recorded by its service.
        var autoscaled = Assert.Single(entries, e => e.GetProperty("entity").GetString() == "Application"
                                                     && Values(e, "after").TryGetProperty("AutoscalingPolicyId", out var id) && id.ValueKind == JsonValueKind.String);
        Assert.Equal((3, 4), (Values(autoscaled, "before").GetProperty("MaxMembers").GetInt32(), Values(autoscaled, "after").GetProperty("MaxMembers").GetInt32()));

        var repository = Assert.Single(entries, e => e.GetProperty("entity").GetString() == "LinkedRepository");
        Assert.Equal("***", Values(repository, "after").GetProperty("ProtectedWebhookSecret").GetString());
        Assert.All(entries, e => Assert.DoesNotContain(webhookSecret, e.ToString(), StringComparison.Ordinal));

        var quota = Assert.Single(entries, e => e.GetProperty("entity").GetString() == "Tenant");
        Assert.Equal((PortalFactory.AdminEmail, "modified", tenant), (quota.GetProperty("actor").GetString(), quota.GetProperty("action").GetString(), quota.GetProperty("name").GetString()));
        Assert.Equal((JsonValueKind.Null, 5), (Values(quota, "before").GetProperty("MaxMembers").ValueKind, Values(quota, "after").GetProperty("MaxMembers").GetInt32()));

        // Narrowed by person and kind; paged by time.
        Assert.All(await AuditAsync(ops, $"actor={Uri.EscapeDataString(PortalFactory.AdminEmail.ToUpperInvariant())}&tenant={tenant}"),
            e => Assert.Equal(PortalFactory.AdminEmail, e.GetProperty("actor").GetString()));
        var applications = await AuditAsync(ops, $"tenant={tenant}&entity=Application");
        Assert.True(applications.Count >= 2, string.Join("\n", applications));
        Assert.All(applications, e => Assert.Equal("Application", e.GetProperty("entity").GetString()));
        Assert.Single(await AuditAsync(ops, $"tenant={tenant}&limit=1"));
        var older = await AuditAsync(ops, $"tenant={tenant}&before={Uri.EscapeDataString(times[0].ToString("O"))}");
        Assert.DoesNotContain(older, e => e.GetProperty("id").GetString() == entries[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Only_platform_admins_read_it_and_bad_filters_are_problems()
    {
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("auditno"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/audit", TestContext.Current.CancellationToken)).StatusCode);

        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        using var unknown = await ops.GetAsync("/api/v1/admin/audit?tenant=no-such-tenant", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("There is no tenant 'no-such-tenant'.", (await unknown.JsonAsync()).GetProperty("errors").GetProperty("tenant")[0].GetString());
        using var limit = await ops.GetAsync("/api/v1/admin/audit?limit=0", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.True((await limit.JsonAsync()).GetProperty("errors").TryGetProperty("limit", out _));
    }
}
