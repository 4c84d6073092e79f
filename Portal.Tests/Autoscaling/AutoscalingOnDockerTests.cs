using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Git;
using Portal.Tests.Releases;
using Portal.Tests.Support;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Autoscaling;

/// <summary>A portal measuring every second, whose members drain for 1 s.</summary>
public sealed class AutoscalingFixture : RuntimePortalFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Portal:Autoscaler:SampleInterval"] = "00:00:01",
        ["Portal:Reconciler:DrainPeriod"] = "00:00:01",
    };
}

/// <summary>
/// Autoscaling on real containers: CPU-burning requests through the router scale a PHP application out to its
/// maximum, every new member receives traffic, and when the load stops it scales back to its minimum, each step
/// explained in the decision log.
/// </summary>
public sealed class AutoscalingOnDockerTests(AutoscalingFixture fixture) : IClassFixture<AutoscalingFixture>
{
    /// <summary>Burns about 0.04 s of CPU per request (as long as 0.2 s on the 0.5 CPU of PHP's own cartridge), then names the member.</summary>
    private const string BurnPage = """
        <?php
        $until = microtime(true) + 0.04;
        $spins = 0;
        while (microtime(true) < $until) { $spins++; }
        header('Content-Type: text/plain');
        echo "burned $spins on " . gethostname();
        """;

    /// <remarks>
    /// The application runs on a PHP cartridge whose members may use 0.1 CPU: three members burning all they may take
    /// 0.3 of the host's 2 cores, so the test neither starves what runs beside it nor depends on it (a member that
    /// cannot get its CPU is not busy as far as any autoscaler can tell). The threshold is 30 % of that limit.
    /// </remarks>
    [Fact]
    public async Task Load_through_the_router_scales_a_php_application_out_to_its_maximum_and_back_to_its_minimum()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var policy = $"burn-{Guid.NewGuid().ToString("N")[..8]}";
        var defined = await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new
        {
            name = policy, cpuPercent = 30, evaluationIntervalSeconds = 2, windowSeconds = 20,
            scaleUpCooldownSeconds = 4, scaleDownCooldownSeconds = 4, scaleDownAfter = 3,
        });
        Assert.Equal(HttpStatusCode.Created, defined.StatusCode);
        var cartridge = $"lean-{Guid.NewGuid().ToString("N")[..8]}";
        var registered = await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name = cartridge, displayName = "PHP on a tenth of a CPU", version = "8.2", category = "framework",
            image = "portal/php:8.2", containerPort = 8080, healthCheck = "http", healthCheckPath = "/", cpuLimit = 0.1,
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("A page that burns CPU", [("index.php", "<?php echo 'idle on ' . gethostname();"), ("burn.php", BurnPage)]);
        var tenant = ApiClient.UniqueTenant("scale");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new
        {
            name = "burner", cartridge, minMembers = 1, maxMembers = 3,
            repository = new { url = git.Origin, branch = "main" }, autoscalingPolicy = policy,
        });
        await client.WaitForReleaseAsync("burner", 1);
        await client.WaitUntilRunningAsync("burner", 1);
        var host = $"burner.{tenant}.apps.localhost";
        await fixture.WaitUntilRoutedAsync(host, 1);

        // Scale out under load.
        using var load = new RouterLoad(fixture, host, "/burn.php", workers: 8);
        JsonElement scaledOut;
        try
        {
            scaledOut = await client.WaitForAsync("burner", a =>
                a.GetProperty("desiredMembers").GetInt32() == 3 && a.GetProperty("activeMembers").GetInt32() == 3, seconds: 150,
                explain: async () => string.Join("\n", (await DecisionsAsync(client)).Select(d => $"{d.GetProperty("at")} {d.GetProperty("reason")}")));
            await fixture.WaitUntilRoutedAsync(host, 3);
            load.Since = load.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await load.StopAsync();
        }

        var members = scaledOut.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("state").GetString() == "active")
            .Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.Equal(3, members.Count);
        foreach (var member in members)
        {
            Assert.True(load.ServedBy(member) > 0, $"member {member} got no request once all three were Active; served: {load.Summary}");
        }

        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} requests failed while scaling out: {string.Join("; ", load.Failures.Take(5))}");
        var decisions = await DecisionsAsync(client);
        var ups = decisions.Where(d => d.GetProperty("action").GetString() == "scaleUp").ToList();
        Assert.NotEmpty(ups);
        Assert.Equal(3, ups.Max(d => d.GetProperty("toMembers").GetInt32()));
        foreach (var up in ups)
        {
            var cpu = up.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "cpu");
            Assert.Equal(30, cpu.GetProperty("threshold").GetInt32());
            Assert.True(cpu.GetProperty("predicted").GetDouble() > 30 * up.GetProperty("fromMembers").GetInt32(), up.ToString());
            Assert.True(cpu.GetProperty("requiredMembers").GetInt32() > up.GetProperty("fromMembers").GetInt32(), up.ToString());
            Assert.StartsWith("CPU predicted", up.GetProperty("reason").GetString());
            Assert.Equal(policy, up.GetProperty("policy").GetString());
        }

        // The load stops: back to the minimum, one drained member at a time.
        var scaledIn = await client.WaitForAsync("burner", a =>
            a.GetProperty("desiredMembers").GetInt32() == 1 && a.GetProperty("members").GetArrayLength() == 1
            && a.GetProperty("activeMembers").GetInt32() == 1, seconds: 120);
        decisions = await DecisionsAsync(client);
        var downs = decisions.Where(d => d.GetProperty("action").GetString() == "scaleDown").ToList();
        Assert.Equal(2, downs.Count);
        Assert.Equal([2, 1], downs.Select(d => d.GetProperty("toMembers").GetInt32()).Reverse());
        Assert.All(downs, d => Assert.Contains(d.GetProperty("drainedMember").GetString(), members));
        Assert.All(downs, d => Assert.Contains("Removing one", d.GetProperty("reason").GetString()));
        Assert.Contains(scaledIn.MemberIds()[0], members);
        var times = decisions.Select(d => d.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times); // newest first
        Assert.Contains(decisions, d => d.GetProperty("reason").GetString()!.Contains("in a row before removing a member", StringComparison.Ordinal));
    }

    private static async Task<List<JsonElement>> DecisionsAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/applications/burner/scaling-decisions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).EnumerateArray()];
    }
}
