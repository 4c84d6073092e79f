using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Support;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Routing;

/// <summary>
/// The router in front of applications on real containers: host names, round-robin over Active members, the
/// member header, and clear pages when there is no such application or no member ready.
/// </summary>
public sealed class RouterTests(RuntimePortalFixture fixture) : IClassFixture<RuntimePortalFixture>
{
    [Fact]
    public async Task Three_members_share_300_requests_round_robin_and_each_response_names_its_member()
    {
        var (tenant, web) = await ThreeMembersBehindTheRouterAsync("rr", "web");
        using var router = fixture.Portal.CreateClient();

        var served = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            using var response = await router.SendAsync(Get($"web.{tenant}.apps.localhost", "/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var member = Assert.Single(response.Headers.GetValues("X-Portal-Member"));
            served[member] = served.GetValueOrDefault(member) + 1;
        }

        Assert.Equal(web.MemberIds().Order(), served.Keys.Order());
        Assert.All(served.Values, count => Assert.InRange(count, 95, 105));

        // The member's own page agrees about who served it.
        using var page = await router.SendAsync(Get($"web.{tenant}.apps.localhost", "/"));
        Assert.Contains($"Served by member {Assert.Single(page.Headers.GetValues("X-Portal-Member"))}", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_suspended_tenants_running_application_answers_why_and_its_member_serves_again_on_resume()
    {
        var (tenant, client, web) = await fixture.ApplicationBehindTheRouterAsync("susp", "web", members: 1);
        var host = $"web.{tenant}.apps.localhost";
        var member = Assert.Single(web.MemberIds());
        using var router = fixture.Portal.CreateClient();
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant}/suspend", new { reason = "Unpaid." })).StatusCode);
        using (var refused = await RouterAsync(router, host, r => r.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            Assert.Null(MemberOf(refused));
            Assert.Contains("account is suspended. Reason: Unpaid.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync($"/api/v1/admin/tenants/{tenant}/resume", null)).StatusCode);
        using (var served = await RouterAsync(router, host, r => r.StatusCode == HttpStatusCode.OK))
        {
            Assert.Equal(member, MemberOf(served)); // the same member: suspension stopped the traffic, not the application
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/applications/web")).StatusCode); // its old sign-in stays revoked
    }

    /// <summary>The router's answer for <paramref name="host"/> once <paramref name="until"/> holds (within 20 s: the router follows a change within seconds).</summary>
    private static async Task<HttpResponseMessage> RouterAsync(HttpClient router, string host, Func<HttpResponseMessage, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await router.SendAsync(Get(host, "/"));
            if (until(response) || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_member_killed_under_traffic_costs_only_a_handful_of_failed_requests()
    {
        var (tenant, busy) = await ThreeMembersBehindTheRouterAsync("kill", "busy");
        using var router = fixture.Portal.CreateClient();
        var host = $"busy.{tenant}.apps.localhost";

        // Requests one after another, 10 ms apart, for 10 s; a member's container is killed 1 s in.
        var victim = busy.MemberIds()[0];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var killed = false;
        int ok = 0, failed = 0;
        var statuses = new List<string>();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (!killed && clock.Elapsed > TimeSpan.FromSeconds(1))
            {
                await fixture.Docker.Containers.KillContainerAsync((await fixture.ContainerOfAsync(victim)).ID, new Docker.DotNet.Models.ContainerKillParameters());
                killed = true;
            }

            using var response = await router.SendAsync(Get(host, "/"));
            if (response.IsSuccessStatusCode)
            {
                ok++;
            }
            else
            {
                failed++;
                statuses.Add($"{(int)response.StatusCode} at {clock.Elapsed.TotalSeconds:0.00} s");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{ok} requests served, {failed} failed while a member was killed: {string.Join(", ", statuses)}");
        Assert.True(ok > 100, $"only {ok} requests were served");
        Assert.InRange(failed, 0, 5);
    }

    [Fact]
    public async Task Unknown_applications_get_404_and_applications_without_a_ready_member_get_503_at_once()
    {
        var (tenant, client) = await fixture.ApplicationWithoutReadyMemberAsync("pages");
        using var tenantClient = client;
        using var router = fixture.Portal.CreateClient();

        using var unknown = await router.SendAsync(Get($"nothing.{tenant}.apps.localhost", "/healthz"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains($"No application answers at nothing.{tenant}.apps.localhost", await unknown.Content.ReadAsStringAsync());

        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpResponseMessage notReady;
        do
        {
            notReady = await router.SendAsync(Get($"ghost.{tenant}.apps.localhost", "/"));
        }
        while (notReady.StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline && await Pause(200));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("has no member ready to serve", await notReady.Content.ReadAsStringAsync());
        Assert.Equal("5", notReady.Headers.RetryAfter?.ToString());
        notReady.Dispose();

        // The portal itself still answers under its own name, and never under an application's.
        Assert.Equal(HttpStatusCode.OK, (await router.GetAsync("/healthz")).StatusCode);
    }

    private async Task<(string Tenant, JsonElement Application)> ThreeMembersBehindTheRouterAsync(string tenantPrefix, string name)
    {
        var (tenant, client, application) = await fixture.ApplicationBehindTheRouterAsync(tenantPrefix, name, 3);
        client.Dispose();
        return (tenant, application);
    }
}
