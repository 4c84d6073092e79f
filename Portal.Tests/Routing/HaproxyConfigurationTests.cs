using System.Diagnostics;
using Portal.Core.Routing;
using Portal.Infrastructure.Routing.Haproxy;
using Portal.Tests.Support;

namespace Portal.Tests.Routing;

/// <summary>The HAProxy configuration rendered from a topology: its rules, its stability, and haproxy accepting it.</summary>
public sealed class HaproxyConfigurationTests
{
    private static readonly Guid Shop = Guid.Parse("10000000-0000-0000-0000-000000000001");
    private static readonly Guid Blog = Guid.Parse("20000000-0000-0000-0000-000000000002");
    private static readonly Guid Empty = Guid.Parse("30000000-0000-0000-0000-000000000003");
    private static readonly RoutedMember First = new(Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001"), "http://127.0.0.1:32001");
    private static readonly RoutedMember Second = new(Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002"), "http://127.0.0.1:32002");

    private static readonly HaproxyOptions Options = new() { Enabled = true, ConfigPath = "/tmp/haproxy.cfg", Bind = "127.0.0.1:18081" };

    [Fact]
    public void Round_robin_is_the_default_and_least_requests_is_leastconn()
    {
        var config = HaproxyConfiguration.Render(
            [
                new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost"], [First]),
                new RoutedApplication(Blog, "acme", "blog", ["blog.acme.apps.localhost"], [Second], LoadBalancing: LoadBalancingAlgorithm.LeastRequests),
            ],
            Options);

        Assert.Equal("balance roundrobin", Line(Backend(config, Shop), "balance"));
        Assert.Equal("balance leastconn", Line(Backend(config, Blog), "balance"));
    }

    [Fact]
    public void Each_member_is_a_server_named_by_its_id_and_every_response_names_its_member()
    {
        var config = HaproxyConfiguration.Render([new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost"], [Second, First])], Options);
        var backend = Backend(config, Shop);

        Assert.Equal(
            [
                $"server {First.MemberId} 127.0.0.1:32001 check inter 2s observe layer4 error-limit 1 on-error mark-down",
                $"server {Second.MemberId} 127.0.0.1:32002 check inter 2s observe layer4 error-limit 1 on-error mark-down",
            ],
            Lines(backend, "server"));
        Assert.Equal("http-response set-header X-Portal-Member %[srv_name]", Line(backend, "http-response"));
        Assert.DoesNotContain("cookie", backend, StringComparison.Ordinal);
    }

    [Fact]
    public void Sticky_sessions_insert_the_portal_member_cookie_naming_each_server()
    {
        var config = HaproxyConfiguration.Render(
            [new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost"], [First, Second], StickySessions: true)], Options);
        var backend = Backend(config, Shop);

        Assert.Equal("cookie portal-member insert indirect nocache httponly attr \"SameSite=Lax\"", Line(backend, "cookie"));
        Assert.All(Lines(backend, "server"), server => Assert.Contains($" cookie {server.Split(' ')[1]} ", server, StringComparison.Ordinal));
        Assert.Contains("option redispatch", config, StringComparison.Ordinal); // a sticky browser whose member is gone goes elsewhere
    }

    [Fact]
    public void Http_cartridges_are_checked_on_their_health_path_and_tcp_ones_by_connecting()
    {
        var config = HaproxyConfiguration.Render(
            [
                new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost"], [First], HealthCheckPath: "/health check's \"$HOME\""),
                new RoutedApplication(Blog, "acme", "db", ["db.acme.apps.localhost"], [Second]),
            ],
            Options);

        // Anything HAProxy would read as a quote, a variable or a word break is percent-encoded.
        Assert.Equal("option httpchk GET /health%20check%27s%20%22%24HOME%22", Line(Backend(config, Shop), "option httpchk"));
        Assert.Empty(Lines(Backend(config, Blog), "option httpchk"));
        Assert.All(Lines(Backend(config, Blog), "server"), server => Assert.Contains(" check inter 2s", server, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_host_of_an_application_routes_to_its_backend_lower_case_and_without_port()
    {
        var config = HaproxyConfiguration.Render(
            [new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost", "shop.example.com", "WWW.Example.COM"], [First])], Options);

        Assert.Contains("http-request set-var(txn.host) req.hdr(host),field(1,:),lower", config, StringComparison.Ordinal);
        Assert.Equal(
            $"use_backend app-{Shop} if {{ var(txn.host) -m str shop.acme.apps.localhost shop.example.com www.example.com }}",
            Line(config, "use_backend"));
        Assert.Equal("default_backend no-such-application", Line(config, "default_backend"));
        Assert.Contains("bind 127.0.0.1:18081", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_names_that_are_not_dns_names_never_reach_the_file()
    {
        var config = HaproxyConfiguration.Render(
            [new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost", "evil.com }\n    bind *:1", "-m.reg"], [First])], Options);

        Assert.Equal($"use_backend app-{Shop} if {{ var(txn.host) -m str shop.acme.apps.localhost }}", Line(config, "use_backend"));
        Assert.DoesNotContain("evil", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_custom_domains_are_split_over_lines_haproxy_can_read()
    {
        var hosts = Enumerable.Range(0, 70).Select(i => $"site{i}.example.com").Prepend("shop.acme.apps.localhost").ToList();
        var config = HaproxyConfiguration.Render([new RoutedApplication(Shop, "acme", "shop", hosts, [First])], Options);

        var lines = Lines(config, "use_backend");
        Assert.Equal(3, lines.Count);
        Assert.All(lines, line => Assert.True(line.Split(' ').Length < 64, line));
        Assert.Equal(hosts, lines.SelectMany(l => l.Split(' ')[7..^1]));
    }

    [Fact]
    public void An_application_without_members_answers_503_with_retry_after_and_unknown_hosts_404()
    {
        var config = HaproxyConfiguration.Render([new RoutedApplication(Empty, "acme", "ghost", ["ghost.acme.apps.localhost"], [])], Options);
        var backend = Backend(config, Empty);

        Assert.Empty(Lines(backend, "server"));
        var unavailable = Line(backend, "http-request return status 503");
        Assert.Contains("ghost.acme.apps.localhost has no member ready to serve", unavailable, StringComparison.Ordinal);
        Assert.EndsWith(" hdr Retry-After 5 if { nbsrv eq 0 }", unavailable, StringComparison.Ordinal);
        var unknown = Line(Section(config, "backend no-such-application"), "http-request return");
        Assert.StartsWith("http-request return status 404 content-type \"text/html; charset=utf-8\" string", unknown, StringComparison.Ordinal);
        Assert.Contains("<h1>No such application</h1>", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_topology_in_any_order_gives_the_same_text()
    {
        var shop = new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost"], [First, Second], "/", StickySessions: true);
        var blog = new RoutedApplication(Blog, "acme", "blog", ["blog.acme.apps.localhost"], [], "/");

        var once = HaproxyConfiguration.Render([shop, blog], Options);
        var again = HaproxyConfiguration.Render([blog, shop with { Members = [Second, First] }], Options);

        Assert.Equal(once, again);
        Assert.DoesNotContain("\r", once, StringComparison.Ordinal);
        Assert.NotEqual(once, HaproxyConfiguration.Render([shop with { Members = [First] }, blog], Options));
    }

    [Fact]
    public async Task Haproxy_accepts_the_configuration_of_a_sample_topology()
    {
        var haproxy = HaproxyBinary.Require();
        var config = HaproxyConfiguration.Render(
            [
                new RoutedApplication(Shop, "acme", "shop", ["shop.acme.apps.localhost", "shop.example.com"], [First, Second], "/healthz?full=1",
                    LoadBalancingAlgorithm.LeastRequests, StickySessions: true),
                new RoutedApplication(Blog, "acme", "db", ["db.acme.apps.localhost"], [First]),
                new RoutedApplication(Empty, "other", "ghost", ["ghost.other.apps.localhost"], []),
            ],
            Options);
        var file = Path.Combine(Directory.CreateTempSubdirectory("portal-haproxy-").FullName, "haproxy.cfg");
        await File.WriteAllTextAsync(file, config, TestContext.Current.CancellationToken);

        var (exitCode, output) = await HaproxyBinary.RunAsync(haproxy, ["-c", "-f", file]);

        Assert.True(exitCode == 0, $"haproxy -c exited with {exitCode}: {output}\n{config}");
        Assert.DoesNotContain("[WARNING]", output, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    /// <summary>The section starting with <paramref name="header"/> (up to the next blank line).</summary>
    private static string Section(string config, string header)
    {
        var start = config.IndexOf("\n" + header + "\n", StringComparison.Ordinal) + 1;
        Assert.True(start > 0, $"no '{header}' in:\n{config}");
        var end = config.IndexOf("\n\n", start, StringComparison.Ordinal);
        return end < 0 ? config[start..] : config[start..end];
    }

    private static string Backend(string config, Guid application) => Section(config, $"backend app-{application}");

    private static List<string> Lines(string text, string prefix) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    private static string Line(string text, string prefix) => Assert.Single(Lines(text, prefix));
}

/// <summary>The haproxy program (Debian's <c>haproxy</c> package), for tests that run it.</summary>
public static class HaproxyBinary
{
    /// <summary>Its path on the PATH (or in /usr/sbin), or null when it is not installed.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, "haproxy"))
            .FirstOrDefault(File.Exists);

    /// <summary>Its path; skips the test (fails it under CI) when it is not installed.</summary>
    public static string Require()
    {
        var found = Find();
        if (found is null)
        {
            TestServices.Unavailable("haproxy (apt-get install haproxy)");
        }

        return found!;
    }

    /// <summary>Runs haproxy to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string haproxy, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(haproxy) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
