using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Applications;
using Portal.Infrastructure.Autoscaling;
using Portal.Infrastructure.Persistence;
using Portal.Routing;
using Portal.Tests.Support;

namespace Portal.Tests.Autoscaling;

/// <summary>
/// The autoscaler at a tenant's quota, on real PostgreSQL with the real autoscaler and the router's real counters:
/// the load asks for more members than the quota leaves, it adds only what fits and logs why. No engine is needed:
/// requests in flight are the router's own count (here raised on its counters as the router raises them), and a
/// member whose container cannot be read is a missed reading.
/// </summary>
public sealed class AutoscalerQuotaTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task Scaling_out_stops_at_the_quota_and_the_decision_says_so()
    {
        var tenant = ApiClient.UniqueTenant("asquota");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var policy = $"rif-{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies",
            new { name = policy, requestsInFlight = 1, evaluationIntervalSeconds = 1, windowSeconds = 10, horizonSeconds = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/tenants/{tenant}/quota", new { maxMembers = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications",
            new { name = "web", cartridge = "php", minMembers = 1, maxMembers = 5, autoscalingPolicy = policy })).StatusCode);

        // One Active member, as the reconciler would have recorded it (its container is not there: no stats, a missed reading).
        Guid application;
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var web = await db.ApplicationAsync(tenant, "web");
            var local = await db.Partitions.Where(p => p.Name == "local").Select(p => p.Id).SingleAsync();
            var member = new Member { TenantId = web.TenantId, ApplicationId = web.Id, PartitionId = local, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
            member.Started($"no-such-container-{Guid.NewGuid():N}", 1, DateTimeOffset.UtcNow.AddMinutes(-1));
            member.MoveTo(MemberState.Active, DateTimeOffset.UtcNow.AddSeconds(-50));
            db.Members.Add(member);
            await db.SaveChangesAsync();
            application = web.Id;
        }

        // The router counts 4 requests in flight once it knows the application.
        var traffic = fixture.Portal.Services.GetRequiredService<RouterTraffic>();
        fixture.Portal.Services.GetRequiredService<Portal.Infrastructure.Routing.TopologySignal>().Changed();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (traffic.Find(application.ToString()) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the router did not take the application in within 15 s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var counters = traffic.Find(application.ToString())!;
        for (var i = 0; i < 4; i++)
        {
            Assert.True(traffic.TryStart(counters));
        }

        var autoscaler = fixture.Portal.Services.GetRequiredService<Autoscaler>();
        System.Text.Json.JsonElement decision = default;
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await autoscaler.RunOnceAsync(TestContext.Current.CancellationToken);
            var decisions = await (await client.GetAsync("/api/v1/applications/web/scaling-decisions")).JsonAsync();
            if (decisions.GetArrayLength() > 0 && decisions[0].GetProperty("action").GetString() == "scaleUp")
            {
                decision = decisions[0];
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no scale-up within 30 s: {decisions}");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Equal((1, 2), (decision.GetProperty("fromMembers").GetInt32(), decision.GetProperty("toMembers").GetInt32()));
        Assert.Contains("The tenant's quota lets it have 2 members: 4 are needed.", decision.GetProperty("reason").GetString());
        Assert.Equal(2, (await (await client.GetAsync("/api/v1/applications/web")).JsonAsync()).GetProperty("desiredMembers").GetInt32());
    }
}
