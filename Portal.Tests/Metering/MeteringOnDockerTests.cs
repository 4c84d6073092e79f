using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Metering;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Metering;

/// <summary>The portal on the real Docker engine, its scheduled meter slowed to once an hour: the test meters when it says.</summary>
public sealed class MeteringPortalFixture : RuntimePortalFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Portal:Metering:Interval"] = "01:00:00",
    };
}

/// <summary>A member really running on Docker accrues member-seconds and memory; deleting its application keeps what it used, metered to the deletion.</summary>
public sealed class MeteringOnDockerTests(MeteringPortalFixture fixture) : IClassFixture<MeteringPortalFixture>
{
    private CancellationToken Token => TestContext.Current.CancellationToken;

    private static (double Seconds, double Gib) Totals(JsonElement usage) =>
        (usage.GetProperty("memberSeconds").GetDouble(), usage.GetProperty("memoryGibSeconds").GetDouble());

    private static async Task<(double Seconds, double Gib)> UsageAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/usage");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Totals(await response.JsonAsync());
    }

    [Fact]
    public async Task A_running_member_accrues_seconds_and_memory_and_deleting_its_application_keeps_them()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("meter"));
        await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php" }); // 256 MB members
        var member = Guid.Parse(Assert.Single((await tenant.WaitUntilRunningAsync("web", 1)).MemberIds()));
        DateTimeOffset started;
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            started = (await db.Members.IgnoreQueryFilters().SingleAsync(m => m.Id == member, Token)).StartedAt!.Value;
        }

        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        var beforeMeter = DateTimeOffset.UtcNow;
        await fixture.Portal.Services.GetRequiredService<Meter>().RunOnceAsync(Token);
        var afterMeter = DateTimeOffset.UtcNow;

        var (seconds, gib) = await UsageAsync(tenant);
        Assert.InRange(seconds, (beforeMeter - started).TotalSeconds - 0.01, (afterMeter - started).TotalSeconds + 0.01);
        Assert.Equal(seconds * 256 / 1024, gib, precision: 6);
        TestContext.Current.TestOutputHelper!.WriteLine($"metered {seconds:0.000} member-seconds, {gib:0.000} GiB-seconds");

        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        var beforeDelete = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.DeleteAsync("/api/v1/applications/web", Token)).StatusCode);
        var afterDelete = DateTimeOffset.UtcNow;

        // Metered by the deletion up to its instant (the scheduled meter did not run); the container goes with the next pass.
        var (kept, keptGib) = await UsageAsync(tenant);
        Assert.InRange(kept, (beforeDelete - started).TotalSeconds - 0.01, (afterDelete - started).TotalSeconds + 0.01);
        Assert.Equal(kept * 256 / 1024, keptGib, precision: 6);
        TestContext.Current.TestOutputHelper!.WriteLine($"kept after deletion: {kept:0.000} member-seconds, {keptGib:0.000} GiB-seconds ({(afterDelete - beforeDelete).TotalMilliseconds:0} ms to delete)");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await fixture.ContainersAsync($"{Portal.Infrastructure.Docker.DockerContainerRuntime.MemberLabel}={member}")).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deleted application's container was not removed within 30 s");
            await Task.Delay(250, Token);
        }

        await fixture.Portal.Services.GetRequiredService<Meter>().RunOnceAsync(Token);
        Assert.Equal((kept, keptGib), await UsageAsync(tenant));
    }
}
