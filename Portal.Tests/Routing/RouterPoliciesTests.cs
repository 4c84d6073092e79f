using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Routing;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;
using Yarp.ReverseProxy;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Routing;

/// <summary>
/// What each application chooses about its routing, on real containers: least-requests, sticky sessions, custom
/// domains given by an admin, and the traffic figures the router keeps per application.
/// </summary>
public sealed class RouterPoliciesTests(RuntimePortalFixture fixture) : IClassFixture<RuntimePortalFixture>
{
    private const string SleepPage = "<?php usleep((int)($_GET['ms'] ?? 2000) * 1000); echo getenv('PORTAL_MEMBER_ID');";

    [Fact]
    public async Task Least_requests_sends_new_requests_past_a_member_busy_with_a_slow_one_and_round_robin_does_not()
    {
        var (tenant, client, application) = await fixture.ApplicationBehindTheRouterAsync("least", "slow", 2, new { loadBalancing = "leastRequests" });
        using var tenantClient = client;
        await fixture.AddPageAsync(application, "sleep.php", SleepPage);
        var host = $"slow.{tenant}.apps.localhost";
        var traffic = fixture.Portal.Services.GetRequiredService<IApplicationTraffic>();
        var applicationId = await ApplicationIdAsync(tenant, "slow");

        var (busy, toBusy) = await WhileOneRequestIsSlowAsync(host, inFlight: () => traffic.Of(applicationId).InFlight);
        Assert.Equal(0, toBusy);
        Assert.Equal("leastRequests", (await client.ApplicationAsync("slow")).GetProperty("routing").GetProperty("loadBalancing").GetString());

        // The same with round-robin: about half of the quick requests queue behind the slow one's member.
        using var changed = await client.PutAsJsonAsync("/api/v1/applications/slow/routing", new { loadBalancing = "roundRobin" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (busy, toBusy) = await WhileOneRequestIsSlowAsync(host, inFlight: () => traffic.Of(applicationId).InFlight);
        Assert.InRange(toBusy, 3, 7);
        TestContext.Current.TestOutputHelper?.WriteLine($"least-requests sent the busy member 0 of 10 quick requests, round-robin {toBusy} of 10 ({busy})");
    }

    [Fact]
    public async Task Sticky_sessions_keep_a_browser_on_its_member_while_clients_without_the_cookie_are_spread()
    {
        var (tenant, client, _) = await fixture.ApplicationBehindTheRouterAsync("sticky", "cart", 3, new { stickySessions = true });
        client.Dispose();
        var host = $"cart.{tenant}.apps.localhost";

        using var browser = fixture.Portal.CreateClient(); // keeps cookies
        var browserMembers = new HashSet<string>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await browser.SendAsync(Get(host, "/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            browserMembers.Add(MemberOf(response)!);
            if (i == 0)
            {
                Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("portal-member=", StringComparison.Ordinal));
            }
        }

        using var cookieless = fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = fixture.Portal.ClientOptions.BaseAddress });
        var spread = new HashSet<string>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await cookieless.SendAsync(Get(host, "/"));
            spread.Add(MemberOf(response)!);
        }

        Assert.Single(browserMembers);
        Assert.Equal(3, spread.Count);
    }

    [Fact]
    public async Task An_admin_gives_an_application_a_custom_domain_the_router_answers_and_takes_it_away()
    {
        var (tenant, client, _) = await fixture.ApplicationBehindTheRouterAsync("domain", "shop", 1);
        using var tenantClient = client;
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        using var router = fixture.Portal.CreateClient();
        var custom = $"shop-{tenant}.example.test";

        // Only platform admins manage domains; bad and taken host names are refused with the reason.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/admin/domains", new { host = custom, tenant, application = "shop" })).StatusCode);
        using var under = await ops.PostAsJsonAsync("/api/v1/admin/domains", new { host = $"x.{tenant}.apps.localhost", tenant, application = "shop" });
        Assert.Equal(HttpStatusCode.BadRequest, under.StatusCode);
        Assert.Contains("under apps.localhost", (await under.JsonAsync()).GetProperty("errors").GetProperty("host")[0].GetString());
        using var notHost = await ops.PostAsJsonAsync("/api/v1/admin/domains", new { host = "not a host", tenant, application = "shop" });
        Assert.Equal(HttpStatusCode.BadRequest, notHost.StatusCode);
        using var noApp = await ops.PostAsJsonAsync("/api/v1/admin/domains", new { host = custom, tenant, application = "nothing" });
        Assert.Equal(HttpStatusCode.BadRequest, noApp.StatusCode);

        using var added = await ops.PostAsJsonAsync("/api/v1/admin/domains", new { host = custom.ToUpperInvariant(), tenant, application = "shop" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(custom, (await added.JsonAsync()).GetProperty("host").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsJsonAsync("/api/v1/admin/domains", new { host = custom, tenant, application = "shop" })).StatusCode);

        var routing = (await client.ApplicationAsync("shop")).GetProperty("routing");
        Assert.Equal($"http://shop.{tenant}.apps.localhost/", routing.GetProperty("url").GetString());
        Assert.Equal([$"shop.{tenant}.apps.localhost", custom], routing.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));

        // The router answers the new name within a second or so, and stops when it is taken away.
        Assert.NotNull(await EventuallyAsync(router, custom, member => member is not null));
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/admin/domains/{custom}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync($"/api/v1/admin/domains/{custom}")).StatusCode);
        Assert.Null(await EventuallyAsync(router, custom, member => member is null));
    }

    [Fact]
    public async Task The_router_counts_each_applications_requests_for_the_autoscaler_and_the_metrics_endpoint()
    {
        var (tenant, client, _) = await fixture.ApplicationBehindTheRouterAsync("metrics", "counted", 1);
        client.Dispose();
        using var router = fixture.Portal.CreateClient();
        var traffic = fixture.Portal.Services.GetRequiredService<IApplicationTraffic>();
        var applicationId = await ApplicationIdAsync(tenant, "counted");
        var before = traffic.Of(applicationId);

        for (var i = 0; i < 20; i++)
        {
            using var response = await router.SendAsync(Get($"counted.{tenant}.apps.localhost", "/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var after = traffic.Of(applicationId);
        Assert.Equal(20, after.Requests - before.Requests);
        Assert.Equal(0, after.Errors - before.Errors);
        Assert.Equal(0, after.InFlight);
        var served = after.Requests - after.Errors; // before the routes were up, a probe may have met the 503 page
        Assert.True(after.TotalLatency > before.TotalLatency);

        // Prometheus text: the counter with the tenant and application as labels, and the latency histogram.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        double counted;
        string metrics;
        do
        {
            metrics = await router.GetStringAsync("/metrics");
            counted = metrics.Split('\n')
                .Where(line => line.StartsWith("portal_router_requests_total{", StringComparison.Ordinal)
                               && line.Contains($"tenant=\"{tenant}\"", StringComparison.Ordinal)
                               && line.Contains("application=\"counted\"", StringComparison.Ordinal)
                               && line.Contains("2xx", StringComparison.Ordinal))
                .Select(line => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))
                .SingleOrDefault();
        }
        while (counted < served && DateTime.UtcNow < deadline && await Pause());

        Assert.True(counted >= served, $"/metrics counted {counted} of {served} answered requests:\n{metrics}");
        Assert.Contains("portal_router_request_duration_seconds_bucket{", metrics);
        Assert.Contains("portal_router_active_requests{", metrics);
    }

    /// <summary>
    /// Sends one slow request (2.5 s) and, while it is in flight, 10 quick ones one after another; returns the slow
    /// one's member and how many quick ones went to it.
    /// </summary>
    private async Task<(string Busy, int ToBusy)> WhileOneRequestIsSlowAsync(string host, Func<long> inFlight)
    {
        using var router = fixture.Portal.CreateClient();
        var slow = router.SendAsync(Get(host, "/sleep.php?ms=2500"));
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (inFlight() < 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, inFlight()); // the router counts it in flight
        var quick = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await router.SendAsync(Get(host, "/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            quick.Add(MemberOf(response)!);
        }

        using var slowResponse = await slow;
        Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
        var busy = MemberOf(slowResponse)!;
        return (busy, quick.Count(m => m == busy));
    }

    private async Task<Guid> ApplicationIdAsync(string tenant, string name)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await (from a in db.Applications.IgnoreQueryFilters()
                      join t in db.Tenants on a.TenantId equals t.Id
                      where t.Slug == tenant && a.Name == name
                      select a.Id).SingleAsync();
    }

    /// <summary>
    /// Asks <paramref name="host"/> until the serving member (null: not an application's answer) satisfies
    /// <paramref name="until"/>: within 30 s. A change is signalled to the router at once and is usually served within
    /// a second; the clean-clone runs met 5 s and more (twice, each time beside the CPU-bound autoscaling test), so the
    /// failure message says what answered and which endpoints the host had.
    /// </summary>
    private async Task<string?> EventuallyAsync(HttpClient router, string host, Func<string?, bool> until)
    {
        var proxy = fixture.Portal.Services.GetRequiredService<IProxyStateLookup>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? member;
        string answer;
        do
        {
            using var response = await router.SendAsync(Get(host, "/"));
            member = MemberOf(response);
            var body = await response.Content.ReadAsStringAsync();
            answer = $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 120)]}";
        }
        while (!until(member) && DateTime.UtcNow < deadline && await Pause());

        var endpoints = fixture.Portal.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<IHostMetadata>()?.Hosts.Contains(host, StringComparer.OrdinalIgnoreCase) == true)
            .Select(e => e.DisplayName);
        Assert.True(until(member), $"{host} was still served by {member ?? "the portal"} after 30 s (last answer: {answer}); " +
            $"the router's routes: {RoutesOf(proxy)}; endpoints for the host: {string.Join(", ", endpoints)}");
        return member;
    }
}
