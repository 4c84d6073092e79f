using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Autoscaling;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>Autoscaling policies (admin-defined, readable by all), an application's policy and its decision log, per tenant.</summary>
public sealed class AutoscalingApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private static string UniquePolicy() => $"cpu-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<string> CreatePolicyAsync(object? overrides = null)
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var name = UniquePolicy();
        var response = await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", overrides ?? new { name, cpuPercent = 70, requestsInFlight = 20 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("name").GetString()!;
    }

    [Fact]
    public async Task An_admin_defines_a_policy_with_defaults_and_every_tenant_reads_it()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var name = UniquePolicy();

        var created = await ops.PostAsJsonAsync("/api/v1/autoscaling-policies",
            new { name, cpuPercent = 60, memoryPercent = 80, requestsInFlight = 10, evaluationIntervalSeconds = 2, horizonSeconds = 6, prediction = false });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/autoscaling-policies/{name}", created.Headers.Location?.OriginalString);
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("asr"));
        var policy = await (await tenant.GetAsync($"/api/v1/autoscaling-policies/{name}")).JsonAsync();
        Assert.Equal((60, 80, 10), (policy.GetProperty("cpuPercent").GetInt32(), policy.GetProperty("memoryPercent").GetInt32(), policy.GetProperty("requestsInFlight").GetInt32()));
        Assert.Equal((2.0, 60.0, 6.0), (policy.GetProperty("evaluationIntervalSeconds").GetDouble(), policy.GetProperty("windowSeconds").GetDouble(), policy.GetProperty("horizonSeconds").GetDouble()));
        Assert.Equal((15.0, 60.0, 3, false), (policy.GetProperty("scaleUpCooldownSeconds").GetDouble(), policy.GetProperty("scaleDownCooldownSeconds").GetDouble(),
            policy.GetProperty("scaleDownAfter").GetInt32(), policy.GetProperty("prediction").GetBoolean()));
        var all = await (await tenant.GetAsync("/api/v1/autoscaling-policies")).JsonAsync();
        Assert.Contains(name, all.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Only_platform_admins_change_policies()
    {
        var name = await CreatePolicyAsync();
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("asn"));

        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PostAsJsonAsync("/api/v1/autoscaling-policies", new { name = UniquePolicy(), cpuPercent = 50 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PutAsJsonAsync($"/api/v1/autoscaling-policies/{name}", new { cpuPercent = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.DeleteAsync($"/api/v1/autoscaling-policies/{name}")).StatusCode);
        using var anonymous = fixture.Portal.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/autoscaling-policies")).StatusCode);
    }

    [Fact]
    public async Task Bad_policies_are_refused_with_the_fields_named()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var none = await (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new { name = UniquePolicy() })).JsonAsync();
        Assert.Contains("at least one threshold", none.GetProperty("errors").GetProperty("cpuPercent")[0].GetString());

        var response = await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new
        {
            name = "Bad Name", cpuPercent = 0, memoryPercent = 101, requestsInFlight = -1, evaluationIntervalSeconds = 0.5,
            windowSeconds = 0.7, horizonSeconds = 601, scaleUpCooldownSeconds = -1, scaleDownCooldownSeconds = 4000, scaleDownAfter = 0,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "name", "cpuPercent", "memoryPercent", "requestsInFlight", "evaluationIntervalSeconds", "windowSeconds",
                     "horizonSeconds", "scaleUpCooldownSeconds", "scaleDownCooldownSeconds", "scaleDownAfter" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        var farSighted = await (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies",
            new { name = UniquePolicy(), cpuPercent = 50, windowSeconds = 10, horizonSeconds = 20 })).JsonAsync();
        Assert.Contains("at most as far ahead as the window", farSighted.GetProperty("errors").GetProperty("horizonSeconds")[0].GetString());

        var name = await CreatePolicyAsync();
        var twice = await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new { name, cpuPercent = 50 });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var wrongType = await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new { name = UniquePolicy(), cpuPercent = "lots" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
    }

    [Fact]
    public async Task An_admin_changes_a_policy_and_cannot_delete_one_in_use_until_it_is_free()
    {
        var name = await CreatePolicyAsync();
        var tenantSlug = ApiClient.UniqueTenant("asd");
        using var tenant = await fixture.Portal.SignUpAsync(tenantSlug);
        var created = await tenant.PostAsJsonAsync("/api/v1/applications",
            new { name = "web", cartridge = "php", minMembers = 1, maxMembers = 4, autoscalingPolicy = name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(name, (await created.JsonAsync()).GetProperty("autoscalingPolicy").GetString());
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var changed = await (await ops.PutAsJsonAsync($"/api/v1/autoscaling-policies/{name}", new { cpuPercent = 40, scaleDownAfter = 5 })).JsonAsync();
        Assert.Equal((40, 5), (changed.GetProperty("cpuPercent").GetInt32(), changed.GetProperty("scaleDownAfter").GetInt32()));
        Assert.Equal(JsonValueKindNull, changed.GetProperty("requestsInFlight").ValueKind);

        var refused = await ops.DeleteAsync($"/api/v1/autoscaling-policies/{name}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"{tenantSlug}/web", (await refused.JsonAsync()).GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await tenant.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = (string?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/autoscaling-policies/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"/api/v1/autoscaling-policies/{name}")).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task A_tenant_names_a_policy_and_bounds_for_its_application_and_scaling_by_hand_is_then_refused()
    {
        var name = await CreatePolicyAsync();
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("asa"));
        Assert.Equal(HttpStatusCode.Created, (await tenant.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php" })).StatusCode);

        var set = await tenant.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = name, minMembers = 2, maxMembers = 5 });

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var application = await (await tenant.GetAsync("/api/v1/applications/web")).JsonAsync();
        Assert.Equal((name, 2, 5, 2), (application.GetProperty("autoscalingPolicy").GetString(), application.GetProperty("minMembers").GetInt32(),
            application.GetProperty("maxMembers").GetInt32(), application.GetProperty("desiredMembers").GetInt32()));
        var byHand = await tenant.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 3 });
        Assert.Equal(HttpStatusCode.Conflict, byHand.StatusCode);
        Assert.Contains("autoscaled", (await byHand.JsonAsync()).GetProperty("detail").GetString());

        var badBounds = await tenant.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = name, minMembers = 4, maxMembers = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, badBounds.StatusCode);
        Assert.True((await badBounds.JsonAsync()).GetProperty("errors").TryGetProperty("maxMembers", out _));
        var unknown = await tenant.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = "no-such-policy" });
        Assert.Contains("no autoscaling policy named 'no-such-policy'",
            (await unknown.JsonAsync()).GetProperty("errors").GetProperty("autoscalingPolicy")[0].GetString());

        // Nothing changed by the refused requests; turning autoscaling off gives the count back to the tenant.
        Assert.Equal(2, (await (await tenant.GetAsync("/api/v1/applications/web")).JsonAsync()).GetProperty("minMembers").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await tenant.PutAsJsonAsync("/api/v1/applications/web/autoscaling", new { autoscalingPolicy = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 3 })).StatusCode);
    }

    [Fact]
    public async Task A_data_application_or_an_unknown_policy_cannot_be_chosen_at_creation()
    {
        var name = await CreatePolicyAsync();
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("asc"));

        var data = await tenant.PostAsJsonAsync("/api/v1/applications", new { name = "db", cartridge = "mysql", autoscalingPolicy = name });
        Assert.Equal(HttpStatusCode.BadRequest, data.StatusCode);
        Assert.Contains("cannot be autoscaled", (await data.JsonAsync()).GetProperty("errors").GetProperty("autoscalingPolicy")[0].GetString());
        var unknown = await tenant.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", autoscalingPolicy = "nope-nope" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(0, (await (await tenant.GetAsync("/api/v1/applications")).JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task A_tenant_reads_its_own_decision_log_newest_first_and_never_another_tenants()
    {
        var name = await CreatePolicyAsync();
        var ownerSlug = ApiClient.UniqueTenant("aso");
        using var owner = await fixture.Portal.SignUpAsync(ownerSlug);
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("ast"));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", autoscalingPolicy = name })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php" })).StatusCode);
        Assert.Equal(0, (await (await owner.GetAsync("/api/v1/applications/web/scaling-decisions")).JsonAsync()).GetArrayLength());

        // The autoscaler does not run in this portal (no engine): its log is written here as it would write it.
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var web = await db.ApplicationAsync(ownerSlug, "web");
            var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
            foreach (var (at, action, to) in new[] { (t0, ScalingAction.ScaleUp, 2), (t0.AddSeconds(30), ScalingAction.ScaleDown, 1) })
            {
                db.ScalingDecisions.Add(new ScalingDecision
                {
                    TenantId = web.TenantId, ApplicationId = web.Id, At = at, Action = action, FromMembers = 3 - to, ToMembers = to,
                    Reason = $"{action} for the test", Policy = name, Prediction = true, Horizon = TimeSpan.FromSeconds(3), ActiveMembers = 1,
                    Metrics = [new MetricEvaluation(ScalingMetric.Cpu, 70, 10, 50, 90, 1.5, 0, 95, 2)],
                });
            }

            await db.SaveChangesAsync();
        }

        var mine = await (await owner.GetAsync("/api/v1/applications/web/scaling-decisions")).JsonAsync();
        Assert.Equal(["scaleDown", "scaleUp"], mine.EnumerateArray().Select(d => d.GetProperty("action").GetString()));
        var cpu = mine[1].GetProperty("metrics")[0];
        Assert.Equal(("cpu", 95.0, 2), (cpu.GetProperty("metric").GetString(), cpu.GetProperty("predicted").GetDouble(), cpu.GetProperty("requiredMembers").GetInt32()));
        Assert.Equal(1, (await (await owner.GetAsync("/api/v1/applications/web/scaling-decisions?limit=1")).JsonAsync()).GetArrayLength());
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/applications/web/scaling-decisions")).JsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync("/api/v1/applications/nothing/autoscaling", new { autoscalingPolicy = (string?)null })).StatusCode);
        Assert.Equal(name, (await (await owner.GetAsync("/api/v1/applications/web")).JsonAsync()).GetProperty("autoscalingPolicy").GetString());
        Assert.Null((await (await other.GetAsync("/api/v1/applications/web")).JsonAsync()).GetProperty("autoscalingPolicy").GetString());
    }
}
