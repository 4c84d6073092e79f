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

        var quota = Assert.Single(entries, e => e.GetProperty("entity").GetString() == "Tenant" && e.GetProperty("action").GetString() == "modified");
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
    public async Task Lists_maps_and_owned_rows_are_recorded_as_values_with_secrets_masked_and_a_role_given_is_named()
    {
        var token = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        // A deployment policy's partitions are owned rows: changing only them is recorded, before and after.
        var policy = $"owned-{suffix}";
        object Policy(int max, bool burst) => new { algorithm = "roundRobin", partitions = new object[] { new { partition = "local", maxMembers = max, burst } } };
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", Policy(2, false), token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", Policy(5, false), token)).StatusCode);
        var changes = (await AuditAsync(ops, "entity=DeploymentPolicy")).Where(e => e.GetProperty("name").GetString() == policy).ToList();
        Assert.Equal(["modified", "added"], changes.Select(e => e.GetProperty("action").GetString()));
        var added = Values(changes[1], "after").GetProperty("Partitions");
        Assert.Equal((1, 2, false), (added.GetArrayLength(), added[0].GetProperty("MaxMembers").GetInt32(), added[0].GetProperty("Burst").GetBoolean()));
        Assert.True(added[0].TryGetProperty("PartitionId", out _));
        Assert.Equal(2, Values(changes[0], "before").GetProperty("Partitions")[0].GetProperty("MaxMembers").GetInt32());
        Assert.Equal(5, Values(changes[0], "after").GetProperty("Partitions")[0].GetProperty("MaxMembers").GetInt32());
        Assert.False(Values(changes[0], "after").TryGetProperty("Algorithm", out _)); // only what changed

        // Rows keep their order: a policy of two partitions turned round is recorded as turned round.
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"spare-{suffix}", endpoint = $"unix:///run/spare-{suffix}.sock" }, token)).StatusCode);
        object Two(string first, string second) => new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = first, maxMembers = first == "local" ? 2 : 3 }, new { partition = second, maxMembers = second == "local" ? 2 : 3 } },
        };
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", Two("local", $"spare-{suffix}"), token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", Two($"spare-{suffix}", "local"), token)).StatusCode);
        var turned = (await AuditAsync(ops, "entity=DeploymentPolicy")).First(e => e.GetProperty("name").GetString() == policy);
        int[] Caps(string side) => [.. Values(turned, side).GetProperty("Partitions").EnumerateArray().Select(r => r.GetProperty("MaxMembers").GetInt32())];
        Assert.Equal([2, 3], Caps("before"));
        Assert.Equal([3, 2], Caps("after"));

        // A cartridge's variables are a map: written as one, a secret-looking one masked.
        var cartridge = $"env-{suffix}";
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name = cartridge, displayName = "Env", version = "1", image = "portal/php:8.2", containerPort = 8080,
            environment = new Dictionary<string, string> { ["SHOP_CURRENCY"] = "EUR", ["MAIL_PASSWORD"] = "hunter2-" + suffix },
        }, token)).StatusCode);
        var registered = Assert.Single(await AuditAsync(ops, "entity=Cartridge"), e => e.GetProperty("name").GetString() == cartridge);
        var environment = Values(registered, "after").GetProperty("Environment");
        Assert.Equal(("EUR", "***"), (environment.GetProperty("SHOP_CURRENCY").GetString(), environment.GetProperty("MAIL_PASSWORD").GetString()));
        Assert.DoesNotContain("hunter2", registered.ToString(), StringComparison.Ordinal);

        // A tenant admin adds a user: the role given is named by the user's e-mail and the role, under the tenant.
        var tenant = ApiClient.UniqueTenant("roles");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/users", new { email = $"dev@{tenant}.test", password = "Passw0rd-Long-1", role = "TenantMember" }, token)).StatusCode);
        // Signing up is the new user's doing: the tenant, the account (its password masked) and its role.
        var signUp = await AuditAsync(ops, $"tenant={tenant}&actor=admin@{tenant}.test");
        Assert.Contains(signUp, e => e.GetProperty("entity").GetString() == "Tenant" && e.GetProperty("action").GetString() == "added" && e.GetProperty("name").GetString() == tenant);
        var account = Assert.Single(signUp, e => e.GetProperty("entity").GetString() == "PortalUser" && e.GetProperty("name").GetString() == $"admin@{tenant}.test");
        Assert.Equal("***", Values(account, "after").GetProperty("PasswordHash").GetString());
        Assert.Contains(signUp, e => e.GetProperty("entity").GetString() == "UserRole" && e.GetProperty("name").GetString() == $"admin@{tenant}.test: TenantAdmin");

        var role = Assert.Single(await AuditAsync(ops, $"tenant={tenant}&entity=UserRole"), e => e.GetProperty("name").GetString()!.StartsWith("dev@", StringComparison.Ordinal));
        Assert.Equal(($"admin@{tenant}.test", "added", $"dev@{tenant}.test: TenantMember"),
            (role.GetProperty("actor").GetString(), role.GetProperty("action").GetString(), role.GetProperty("name").GetString()));
        Assert.Equal("TenantMember", Values(role, "after").GetProperty("Role").GetString());

        // An application's start order is a list of ids: written as an array.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "db", cartridge = "mysql" }, token)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", startAfter = new[] { "db" } }, token)).StatusCode);
        var web = Assert.Single(await AuditAsync(ops, $"tenant={tenant}&entity=Application"), e => e.GetProperty("name").GetString() == "web");
        Assert.Equal(JsonValueKind.Array, Values(web, "after").GetProperty("StartAfter").ValueKind);
        Assert.Equal(1, Values(web, "after").GetProperty("StartAfter").GetArrayLength());
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
