using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Monitoring;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Autoscaling;
using Portal.Tests.Git;
using Portal.Tests.Releases;
using Portal.Tests.Routing;
using Portal.Tests.Support;

namespace Portal.Tests.Applications;

/// <summary>
/// Live health from real containers and real traffic through the router: every member's CPU and memory from Docker,
/// its requests in flight and per second, the application's too; another tenant gets 404; on PostgreSQL the retention
/// job averages old samples (which the API then serves) and removes ancient ones.
/// </summary>
public sealed class ApplicationHealthOnDockerTests(ApplicationHealthOnDockerTests.Fixture fixture) : IClassFixture<ApplicationHealthOnDockerTests.Fixture>
{
    /// <summary>A portal whose own retention job runs only at its start: the test runs it, and two runs at once could collide.</summary>
    public sealed class Fixture : RuntimePortalFixture
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["Portal:Health:RetentionInterval"] = "1.00:00:00",
        };
    }

    private static IEnumerable<JsonElement> Samples(JsonElement scope) => scope.GetProperty("samples").EnumerateArray();

    private static bool Measured(JsonElement sample, string figure) => sample.GetProperty(figure).ValueKind == JsonValueKind.Number;

    [Fact]
    public async Task Each_member_and_the_application_are_measured_under_load_and_another_tenant_gets_404()
    {
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("A slow page", [("index.php", "<?php echo 'up';"), ("slow.php", "<?php usleep(1000000); echo gethostname();")]);
        var tenant = ApiClient.UniqueTenant("health");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new
        {
            name = "web", cartridge = "php", minMembers = 2, maxMembers = 2, repository = new { url = git.Origin, branch = "main" },
        });
        await client.WaitForReleaseAsync("web", 1);
        var members = (await client.WaitUntilRunningAsync("web", 2)).MemberIds();
        var host = $"web.{tenant}.apps.localhost";
        await fixture.WaitUntilRoutedAsync(host, 2);

        // Four clients keep about four slow requests in flight, spread over both members.
        JsonElement health = default;
        using (var load = new RouterLoad(fixture, host, "/slow.php", workers: 4))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Shows(health, members))
            {
                Assert.True(DateTime.UtcNow < deadline, $"the samples did not show both members busy within 60 s: {health}");
                await Task.Delay(1000, TestContext.Current.CancellationToken);
                using var response = await client.GetAsync("/api/v1/applications/web/health?minutes=5", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                health = await response.JsonAsync();
            }

            await load.StopAsync();
            Assert.True(load.Failures.IsEmpty, string.Join("; ", load.Failures.Take(5)));
        }

        var times = Samples(health).Select(s => s.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times); // oldest first
        Assert.All(Samples(health), s => Assert.Equal(0, s.GetProperty("seconds").GetInt32()));
        Assert.All(health.GetProperty("members").EnumerateArray().SelectMany(Samples).Where(s => Measured(s, "cpuPercent")),
            s => Assert.InRange(s.GetProperty("cpuPercent").GetDouble(), 0, 150));

        // Another tenant: 404; a bad period: a problem naming it.
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("other"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/applications/web/health", TestContext.Current.CancellationToken)).StatusCode);
        using var bad = await client.GetAsync("/api/v1/applications/web/health?minutes=0", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("minutes", out _));
    }

    /// <summary>Both members have CPU and memory figures and served requests, and the application had requests in flight.</summary>
    private static bool Shows(JsonElement health, IReadOnlyList<string> members)
    {
        if (health.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var byMember = health.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("member").GetString()!, Samples);
        return Samples(health).Any(s => s.GetProperty("requestsInFlight").GetDouble() >= 1 && s.GetProperty("requestsPerSecond").GetDouble() > 0)
            && members.All(id => byMember.TryGetValue(id, out var samples)
                && samples.Any(s => Measured(s, "cpuPercent"))
                && samples.Any(s => Measured(s, "memoryPercent") && s.GetProperty("memoryPercent").GetDouble() > 0)
                && samples.Any(s => s.GetProperty("requestsPerSecond").GetDouble() > 0)
                && samples.Any(s => s.GetProperty("requestsInFlight").GetDouble() >= 1));
    }

    [Fact]
    public async Task On_PostgreSQL_old_samples_are_averaged_and_served_and_ancient_ones_removed()
    {
        var tenant = ApiClient.UniqueTenant("retain");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new { name = "quiet", cartridge = "php" });
        var token = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var twoHoursAgo = MetricRetention.SpanStart(now.AddHours(-2), TimeSpan.FromMinutes(5));
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var application = await db.Applications.IgnoreQueryFilters().Where(a => a.Name == "quiet")
                .Join(db.Tenants, a => a.TenantId, t => t.Id, (a, t) => new { a.Id, a.TenantId, t.Slug })
                .SingleAsync(a => a.Slug == tenant, token);
            MetricSample Sample(DateTimeOffset at, double cpu) => new()
            {
                TenantId = application.TenantId, ApplicationId = application.Id, At = at, CpuPercent = cpu, MemoryPercent = 10,
            };

            db.MetricSamples.AddRange(Sample(twoHoursAgo.AddSeconds(5), 10), Sample(twoHoursAgo.AddSeconds(10), 30), Sample(now.AddDays(-8), 99));
            await db.SaveChangesAsync(token);

            var (averaged, removed) = await ActivatorUtilities.CreateInstance<MetricRetentionJob>(scope.ServiceProvider).RunOnceAsync(token);
            Assert.True(averaged >= 2 && removed >= 1, $"averaged {averaged}, removed {removed}");
        }

        // Three hours are shown in 45-second steps: the 5-minute average is one of them, at the step holding its start.
        using var response = await client.GetAsync("/api/v1/applications/quiet/health?minutes=180", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var old = Samples(await response.JsonAsync()).Where(s => s.GetProperty("at").GetDateTimeOffset() < now.AddHours(-1)).ToList();
        var average = Assert.Single(old);
        Assert.Equal((300, 20.0), (average.GetProperty("seconds").GetInt32(), average.GetProperty("cpuPercent").GetDouble()));
        Assert.Equal(MetricRetention.SpanStart(twoHoursAgo, TimeSpan.FromSeconds(45)), average.GetProperty("at").GetDateTimeOffset());
    }
}
