using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Routing;
using Portal.Infrastructure;
using Portal.Infrastructure.Routing.Haproxy;
using Portal.Tests.Support;

namespace Portal.Tests.Routing;

/// <summary>A portal keeping an HAProxy configuration in a temporary folder, and the real haproxy serving it.</summary>
public sealed class HaproxyPortalFixture : RuntimePortalFixture, IAsyncLifetime
{
    private readonly ConcurrentQueue<string> log = new();
    private Process? haproxy;

    public string Folder { get; } = Directory.CreateTempSubdirectory("portal-haproxy-").FullName;

    public string ConfigPath => Path.Combine(Folder, "haproxy.cfg");

    public string PidFile => Path.Combine(Folder, "haproxy.pid");

    /// <summary>The port HAProxy serves the applications on.</summary>
    public int Port { get; } = FreePort();

    /// <summary>What haproxy printed, for failure messages.</summary>
    public string Log => string.Join('\n', log);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Router:Haproxy:Enabled"] = "true",
        ["Router:Haproxy:ConfigPath"] = ConfigPath,
        ["Router:Haproxy:Bind"] = $"127.0.0.1:{Port}",
        ["Router:Haproxy:HaproxyPath"] = HaproxyBinary.Find() ?? "haproxy",
        ["Router:Haproxy:ReloadCommand"] = $"kill -USR2 $(cat {PidFile})",
    };

    /// <summary>
    /// Starts haproxy in master-worker mode on the configuration the portal wrote (once); from then on the portal's
    /// reload command reloads it. Skips the test (fails it under CI) without haproxy.
    /// </summary>
    public async Task StartHaproxyAsync()
    {
        var program = HaproxyBinary.Require();
        if (haproxy is not null)
        {
            return;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(ConfigPath))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the portal did not write {ConfigPath} within 30 s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-W", "-f", ConfigPath, "-p", PidFile])
        {
            start.ArgumentList.Add(argument);
        }

        haproxy = new Process { StartInfo = start };
        haproxy.OutputDataReceived += (_, e) => Keep(e.Data);
        haproxy.ErrorDataReceived += (_, e) => Keep(e.Data);
        haproxy.Start();
        haproxy.BeginOutputReadLine();
        haproxy.BeginErrorReadLine();
    }

    public new async ValueTask DisposeAsync()
    {
        if (haproxy is not null)
        {
            if (!haproxy.HasExited)
            {
                haproxy.Kill(entireProcessTree: true);
            }

            await haproxy.WaitForExitAsync();
            haproxy.Dispose();
        }

        await base.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The HAProxy extension of the router on real parts: the portal writes the configuration and reloads the real
/// haproxy as members come and go, and haproxy serves the applications as the built-in router does.
/// </summary>
public sealed class HaproxyLoadBalancerTests(HaproxyPortalFixture fixture) : IClassFixture<HaproxyPortalFixture>
{
    [Fact]
    public async Task Haproxy_serves_every_member_and_is_reloaded_when_the_application_scales()
    {
        await fixture.StartHaproxyAsync();
        using var haproxy = Haproxy();
        var tenant = ApiClient.UniqueTenant("hap");
        var host = $"web.{tenant}.apps.localhost";
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new { name = "web", cartridge = "php", minMembers = 2, maxMembers = 3 });
        var two = await client.WaitUntilRunningAsync("web", 2);

        Assert.Equal(two.MemberIds().Order(), await MembersServingAsync(haproxy, host, 2));

        using var scaled = await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 3 }, TestContext.Current.CancellationToken);
        Assert.True(scaled.IsSuccessStatusCode, $"{scaled.StatusCode}: {await scaled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var three = await client.WaitUntilRunningAsync("web", 3);

        // The third member is served only once the portal rewrote the file and haproxy reloaded it.
        Assert.Equal(three.MemberIds().Order(), await MembersServingAsync(haproxy, host, 3));
        Assert.Equal(3, (await File.ReadAllTextAsync(fixture.ConfigPath, TestContext.Current.CancellationToken))
            .Split('\n').Count(l => l.TrimStart().StartsWith("server ", StringComparison.Ordinal)));

        // The member's own page agrees about who served it; the host matches whatever its case and port.
        using var page = await haproxy.SendAsync(Get($"WEB.{tenant}.Apps.Localhost:{fixture.Port}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"Served by member {Assert.Single(page.Headers.GetValues("X-Portal-Member"))}",
            await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Haproxy_answers_404_for_unknown_hosts_and_503_for_an_application_without_a_ready_member()
    {
        await fixture.StartHaproxyAsync();
        using var haproxy = Haproxy();
        var (tenant, client) = await fixture.ApplicationWithoutReadyMemberAsync("hap404");
        using var tenantClient = client;

        using var unknown = await SendUntilAsync(haproxy, $"nothing.{tenant}.apps.localhost", r => r.StatusCode == HttpStatusCode.NotFound);
        Assert.Contains("No such application", await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // A 404 until the portal has rewritten the file and reloaded haproxy; then 503 at once.
        using var notReady = await SendUntilAsync(haproxy, $"ghost.{tenant}.apps.localhost", r => r.StatusCode != HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains($"ghost.{tenant}.apps.localhost has no member ready to serve",
            await notReady.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("5", notReady.Headers.RetryAfter?.ToString());
    }

    private HttpClient Haproxy() =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{fixture.Port}"),
            Timeout = TimeSpan.FromSeconds(10),
        };

    /// <summary>
    /// A request on a connection of its own (a kept-alive one would stay with the haproxy process from before a reload).
    /// </summary>
    private static HttpRequestMessage Get(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;
        request.Headers.ConnectionClose = true;
        return request;
    }

    /// <summary>Sends requests until one satisfies <paramref name="done"/> (haproxy starting, or reloading): 20 s at most.</summary>
    private async Task<HttpResponseMessage> SendUntilAsync(HttpClient haproxy, string host, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40); // a loaded host may delay the topology, the reload and the checks
        var last = "no answer";
        while (true)
        {
            try
            {
                var response = await haproxy.SendAsync(Get(host), TestContext.Current.CancellationToken);
                if (done(response))
                {
                    return response;
                }

                last = $"{(int)response.StatusCode}";
                response.Dispose();
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"haproxy did not answer as expected for {host} within 40 s; last: {last}\n{fixture.Log}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The members haproxy sends <paramref name="host"/>'s requests to, once it sends them to <paramref name="count"/>.</summary>
    private async Task<IEnumerable<string>> MembersServingAsync(HttpClient haproxy, string host, int count)
    {
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(40); // a loaded host may delay the topology, the reload and the checks
        while (seen.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"haproxy sent {host}'s requests to {seen.Count} of {count} members within 40 s: {string.Join(", ", seen)}\n{fixture.Log}");
            try
            {
                using var response = await haproxy.SendAsync(Get(host), TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && response.Headers.TryGetValues("X-Portal-Member", out var members))
                {
                    seen.UnionWith(members);
                }
                else
                {
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        // More requests than members: none goes anywhere else.
        for (var i = 0; i < 3 * count; i++)
        {
            using var response = await haproxy.SendAsync(Get(host), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.UnionWith(response.Headers.GetValues("X-Portal-Member"));
        }

        return seen.Order();
    }
}

/// <summary>The load balancer's file handling with the real haproxy checking: written once, checked, put in place, reloaded.</summary>
public sealed class HaproxyLoadBalancerFileTests : IDisposable
{
    private static readonly RoutedApplication Shop = new(
        Guid.Parse("10000000-0000-0000-0000-000000000001"), "acme", "shop", ["shop.acme.apps.localhost"],
        [new RoutedMember(Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001"), "http://127.0.0.1:32001")], "/");

    private readonly string folder = Directory.CreateTempSubdirectory("portal-haproxy-").FullName;

    private string ConfigPath => Path.Combine(folder, "haproxy.cfg");

    private string Reloads => Path.Combine(folder, "reloads");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_new_topology_is_written_and_reloaded_once_and_an_unchanged_one_not_at_all()
    {
        using var loadBalancer = LoadBalancer($"echo reloaded >> {Reloads}");

        await loadBalancer.ApplyAsync([Shop], TestContext.Current.CancellationToken);
        await loadBalancer.ApplyAsync([Shop], TestContext.Current.CancellationToken);
        Assert.Equal(HaproxyConfiguration.Render([Shop], Options("")), await File.ReadAllTextAsync(ConfigPath, TestContext.Current.CancellationToken));
        Assert.Single(await File.ReadAllLinesAsync(Reloads, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(ConfigPath + ".new"));

        await loadBalancer.ApplyAsync([Shop with { Members = [] }], TestContext.Current.CancellationToken);
        Assert.Equal(2, (await File.ReadAllLinesAsync(Reloads, TestContext.Current.CancellationToken)).Length);

        // A portal starting again finds the file as it would write it: nothing to do.
        using var restarted = LoadBalancer($"echo reloaded >> {Reloads}");
        await restarted.ApplyAsync([Shop with { Members = [] }], TestContext.Current.CancellationToken);
        Assert.Equal(2, (await File.ReadAllLinesAsync(Reloads, TestContext.Current.CancellationToken)).Length);
    }

    [Fact]
    public async Task A_configuration_haproxy_rejects_leaves_the_old_file_and_is_not_reloaded()
    {
        using var loadBalancer = LoadBalancer($"echo reloaded >> {Reloads}");
        await loadBalancer.ApplyAsync([Shop], TestContext.Current.CancellationToken);
        var before = await File.ReadAllTextAsync(ConfigPath, TestContext.Current.CancellationToken);

        using var broken = LoadBalancer($"echo reloaded >> {Reloads}", bind: "127.0.0.1:99999");
        var failure = await Assert.ThrowsAsync<HaproxyException>(() => broken.ApplyAsync([Shop with { Members = [] }], TestContext.Current.CancellationToken));

        Assert.Contains("invalid port '99999'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(ConfigPath, TestContext.Current.CancellationToken));
        Assert.Single(await File.ReadAllLinesAsync(Reloads, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_failed_reload_is_reported_with_its_output_and_tried_again_with_the_same_topology()
    {
        var marker = Path.Combine(folder, "haproxy-is-up");
        using var loadBalancer = LoadBalancer($"test -e {marker} || {{ echo 'haproxy is not running' >&2; exit 3; }}");

        var failure = await Assert.ThrowsAsync<HaproxyException>(() => loadBalancer.ApplyAsync([Shop], TestContext.Current.CancellationToken));
        Assert.Contains("exited with 3: haproxy is not running", failure.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(ConfigPath)); // in place already: haproxy starting now reads it

        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        await loadBalancer.ApplyAsync([Shop], TestContext.Current.CancellationToken);
        File.Delete(marker);
        await loadBalancer.ApplyAsync([Shop], TestContext.Current.CancellationToken); // reloaded already: the command is not run
    }

    private HaproxyLoadBalancer LoadBalancer(string reloadCommand, string bind = "127.0.0.1:18081") =>
        new(Microsoft.Extensions.Options.Options.Create(Options(reloadCommand, bind)), NullLogger<HaproxyLoadBalancer>.Instance);

    private HaproxyOptions Options(string reloadCommand, string bind = "127.0.0.1:18081") => new()
    {
        Enabled = true,
        ConfigPath = ConfigPath,
        Bind = bind,
        HaproxyPath = HaproxyBinary.Require(),
        ReloadCommand = reloadCommand,
    };
}

/// <summary>The <c>Router:Haproxy</c> settings: checked whether or not the extension is on, and the load balancer only when it is.</summary>
public sealed class HaproxyRegistrationTests
{
    [Fact]
    public void The_load_balancer_is_registered_only_when_enabled_with_the_defaults_otherwise()
    {
        using var off = Services([]);
        Assert.DoesNotContain(off.GetServices<ILoadBalancer>(), l => l is HaproxyLoadBalancer);
        var defaults = off.GetRequiredService<IOptions<HaproxyOptions>>().Value;
        Assert.Equal(("127.0.0.1:8081", "haproxy", null), (defaults.Bind, defaults.HaproxyPath, defaults.ReloadCommand));

        using var on = Services(new()
        {
            ["Router:Haproxy:Enabled"] = "true",
            ["Router:Haproxy:ConfigPath"] = "/tmp/haproxy.cfg",
            ["Router:Haproxy:Bind"] = "*:80",
            ["Router:Haproxy:ReloadCommand"] = "",
        });
        Assert.Equal("haproxy", Assert.Single(on.GetServices<ILoadBalancer>().OfType<HaproxyLoadBalancer>()).Name);
    }

    [Theory]
    [InlineData("true", null, "127.0.0.1:8081", "Router:Haproxy:ConfigPath is required")]
    [InlineData("false", null, "127.0.0.1", "Router:Haproxy:Bind must be address:port")]
    [InlineData("false", null, "127.0.0.1:8081 ssl crt /x.pem", "Router:Haproxy:Bind must be address:port")]
    [InlineData("false", null, "127.0.0.1:70000", "Router:Haproxy:Bind must end with a port")]
    public void Settings_that_cannot_work_are_refused(string enabled, string? configPath, string bind, string problem)
    {
        using var services = Services(new()
        {
            ["Router:Haproxy:Enabled"] = enabled,
            ["Router:Haproxy:ConfigPath"] = configPath,
            ["Router:Haproxy:Bind"] = bind,
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HaproxyOptions>>().Value);
        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Append(new("ConnectionStrings:Postgres", "Host=unused")));
        builder.AddInfrastructure();
        return builder.Services.BuildServiceProvider();
    }
}
