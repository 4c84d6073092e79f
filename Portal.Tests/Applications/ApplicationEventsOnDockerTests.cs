using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Applications;

/// <summary>
/// An application's events and up time over the API, from what really happened on the Docker engine: members
/// started, scaled out and in; another tenant gets 404 and never sees them.
/// </summary>
public sealed class ApplicationEventsOnDockerTests(RuntimePortalFixture fixture) : IClassFixture<RuntimePortalFixture>
{
    private static List<JsonElement> Events(JsonElement body) => [.. body.EnumerateArray()];

    private static string? MemberOf(JsonElement e) => e.GetProperty("member").ValueKind == JsonValueKind.Null ? null : e.GetProperty("member").GetString();

    [Fact]
    public async Task Scaling_out_and_in_is_told_as_events_newest_first_with_the_members_and_the_up_time()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("events"));
        await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php", minMembers = 1, maxMembers = 2 });
        var first = Assert.Single((await tenant.WaitUntilRunningAsync("web", 1)).MemberIds());
        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 2 })).StatusCode);
        var second = Assert.Single((await tenant.WaitUntilRunningAsync("web", 2)).MemberIds(), id => id != first);
        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 1 })).StatusCode);
        var kept = Assert.Single((await tenant.WaitUntilRunningAsync("web", 1, seconds: 60)).MemberIds());
        var gone = kept == first ? second : first;

        // The drained member is terminated once its drain period is over.
        List<JsonElement> events = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!events.Any(e => e.GetProperty("kind").GetString() == "memberTerminated"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no memberTerminated event within 30 s: {string.Join("\n", events)}");
            await Task.Delay(500, TestContext.Current.CancellationToken);
            using var response = await tenant.GetAsync("/api/v1/applications/web/events");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            events = Events(await response.JsonAsync());
        }

        var times = events.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.All(events, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("detail").GetString())));
        string[] Kinds(string member) => [.. events.Where(e => MemberOf(e) == member).Select(e => e.GetProperty("kind").GetString()!).Reverse()];
        Assert.Equal(["memberCreated", "memberActive", "memberDraining", "memberTerminated"], Kinds(gone));
        Assert.Equal(["memberCreated", "memberActive"], Kinds(kept));

        // A start time in any offset is the same instant.
        var firstAt = times[^1].ToOffset(TimeSpan.FromHours(2));
        using var since = await tenant.GetAsync($"/api/v1/applications/web/events?since={Uri.EscapeDataString(firstAt.ToString("O"))}");
        Assert.Equal(HttpStatusCode.OK, since.StatusCode);
        Assert.Equal(events.Count, Events(await since.JsonAsync()).Count);
        using var later = await tenant.GetAsync($"/api/v1/applications/web/events?since={Uri.EscapeDataString(times[0].AddSeconds(1).ToOffset(TimeSpan.FromHours(-5)).ToString("O"))}");
        Assert.Empty(Events(await later.JsonAsync()));

        // At most the limit, the newest; a bad limit is a problem naming it.
        using var two = await tenant.GetAsync("/api/v1/applications/web/events?limit=2");
        Assert.Equal(events.Take(2).Select(e => e.GetProperty("kind").GetString()), Events(await two.JsonAsync()).Select(e => e.GetProperty("kind").GetString()));
        using var bad = await tenant.GetAsync("/api/v1/applications/web/events?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("limit", out _));

        // The portal's own figures are scraped with the router's: members per state, reconciler passes, requests served.
        using var scrape = fixture.Portal.CreateClient();
        var metrics = await scrape.GetStringAsync("/metrics");
        var active = metrics.Split('\n').Single(l => l.StartsWith("portal_members{", StringComparison.Ordinal) && l.Contains("state=\"Active\"", StringComparison.Ordinal));
        Assert.True(double.Parse(active[(active.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= 1, active);
        Assert.Contains("portal_reconciler_passes_total", metrics);
        Assert.Contains("portal_reconciler_pass_duration_seconds_bucket{", metrics);
        Assert.Contains("http_server_request_duration_seconds_bucket{", metrics);

        // Up since the first member served; both members' up time is there.
        using var availabilityResponse = await tenant.GetAsync("/api/v1/applications/web/availability?hours=1");
        var availability = await availabilityResponse.JsonAsync();
        Assert.True(availability.GetProperty("upSeconds").GetDouble() > 0);
        Assert.InRange(availability.GetProperty("upPercent").GetDouble(), 1, 100);
        var measured = availability.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member").GetString()).ToList();
        Assert.Contains(first, measured);
        Assert.Contains(second, measured);
        Assert.All(availability.GetProperty("members").EnumerateArray(), m => Assert.True(m.GetProperty("upSeconds").GetDouble() > 0));
    }

    [Fact]
    public async Task Another_tenant_gets_404_for_the_events_and_sees_only_its_own()
    {
        using var owner = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("evowner"));
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("evother"));
        await owner.CreateApplicationAsync(new { name = "shop", cartridge = "php" });
        var ownerMember = Assert.Single((await owner.WaitUntilRunningAsync("shop", 1)).MemberIds());

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/applications/shop/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/applications/shop/availability")).StatusCode);

        // Its own application of the same name tells only its own members' events.
        await other.CreateApplicationAsync(new { name = "shop", cartridge = "php" });
        var otherMember = Assert.Single((await other.WaitUntilRunningAsync("shop", 1)).MemberIds());
        using var response = await other.GetAsync("/api/v1/applications/shop/events");
        var members = Events(await response.JsonAsync()).Select(MemberOf).Distinct().ToList();
        Assert.Equal([otherMember], members);
        Assert.DoesNotContain(ownerMember, members);
    }
}
