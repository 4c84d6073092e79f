using System.Net;
using System.Net.Http.Json;
using Docker.DotNet.Models;
using Portal.Tests.Support;

namespace Portal.Tests.Applications;

/// <summary>A portal whose members get 8 s to pass their first health check.</summary>
public sealed class ShortStartTimeoutPortalFixture : RuntimePortalFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Portal:Reconciler:StartTimeout"] = "00:00:08",
    };
}

/// <summary>
/// Members become Active only when their health check passes, and an Active member that keeps failing it is
/// replaced; an image the engine does not have is reported as the application's problem.
/// </summary>
public sealed class MemberHealthTests(ShortStartTimeoutPortalFixture fixture) : IClassFixture<ShortStartTimeoutPortalFixture>
{
    [Fact]
    public async Task A_member_that_never_passes_its_health_check_never_becomes_Active_and_is_faulted()
    {
        var cartridge = await RegisterAsync(new { image = "portal/php:8.2", healthCheckPath = "/missing.txt" });
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("sick"));
        await tenant.CreateApplicationAsync(new { name = "sick", cartridge });

        var faulted = await tenant.WaitForAsync("sick", a => a.GetProperty("recentlyFaulted").GetArrayLength() > 0, seconds: 40);

        var fault = faulted.GetProperty("recentlyFaulted")[0];
        Assert.Equal("It did not pass its health check within 8 s.", fault.GetProperty("faultReason").GetString());
        Assert.Equal(JsonValueKindNull, fault.GetProperty("activeAt").ValueKind);
        Assert.Equal(0, faulted.GetProperty("activeMembers").GetInt32());
        Assert.NotEqual("running", faulted.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_Active_member_that_keeps_failing_its_health_check_is_replaced()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("flaky"));
        await tenant.CreateApplicationAsync(new { name = "flaky", cartridge = "php" });
        var running = await tenant.WaitUntilRunningAsync("flaky", 1);
        var victim = running.MemberIds()[0];

        // The container keeps running, but its health path stops answering 200.
        var container = (await fixture.ContainerOfAsync(victim)).ID;
        var exec = await fixture.Docker.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters { User = "0", Cmd = ["rm", "/app/index.php"] });
        await fixture.Docker.Exec.StartContainerExecAsync(exec.ID);

        var replaced = await tenant.WaitForAsync("flaky", a =>
            a.GetProperty("activeMembers").GetInt32() == 1 && !a.MemberIds().Contains(victim), seconds: 40);
        var fault = Assert.Single(replaced.GetProperty("recentlyFaulted").EnumerateArray());
        Assert.Equal(victim, fault.GetProperty("id").GetString());
        Assert.Equal("It failed 3 health checks in a row.", fault.GetProperty("faultReason").GetString());
    }

    [Fact]
    public async Task Members_that_keep_crashing_are_replaced_ever_more_slowly_and_the_tenant_is_told()
    {
        // The MySQL image without its DB_* variables exits at once on a fresh volume: a crash loop.
        var cartridge = await RegisterAsync(new { image = "portal/mysql:10.11", healthCheckPath = "/" });
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("crash"));
        await tenant.CreateApplicationAsync(new { name = "crash", cartridge });

        var backingOff = await tenant.WaitForAsync("crash",
            a => a.GetProperty("problem").GetString()?.Contains("keep failing", StringComparison.Ordinal) == true, seconds: 90);
        Assert.Contains("Its container stopped.", backingOff.GetProperty("problem").GetString());

        // Without the back-off a new member would start every pass (2 s); with it, the fourth waits 10 s and the fifth 20 s.
        await Task.Delay(TimeSpan.FromSeconds(12));
        var later = await tenant.ApplicationAsync("crash");
        Assert.InRange(later.GetProperty("recentlyFaulted").GetArrayLength(), 3, 5);
    }

    [Fact]
    public async Task An_image_the_engine_does_not_have_is_the_applications_problem()
    {
        var cartridge = await RegisterAsync(new { image = "portal-test/not-there:1", healthCheckPath = "/" });
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("noimage"));
        await tenant.CreateApplicationAsync(new { name = "ghost", cartridge });

        var failing = await tenant.WaitForAsync("ghost", a => a.GetProperty("status").GetString() == "failing", seconds: 20);

        Assert.Equal("The image portal-test/not-there:1 is not on partition 'local': load or pull it on that engine.",
            failing.GetProperty("problem").GetString());
        Assert.Equal(0, failing.GetProperty("members").GetArrayLength());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private async Task<string> RegisterAsync(object overrides)
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var name = $"test-{Guid.NewGuid().ToString("N")[..8]}";
        var values = System.Text.Json.JsonSerializer.SerializeToElement(overrides);
        var response = await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name,
            displayName = "Test cartridge",
            version = "1",
            category = "framework",
            image = values.GetProperty("image").GetString(),
            containerPort = 8080,
            healthCheck = "http",
            healthCheckPath = values.GetProperty("healthCheckPath").GetString(),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }
}
