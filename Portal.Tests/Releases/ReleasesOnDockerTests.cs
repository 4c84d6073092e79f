using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Releases;
using Portal.Tests.Git;
using Portal.Tests.Support;
using static Portal.Tests.Releases.ReleaseRequests;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Releases;

/// <summary>A portal whose members must pass their health check within 8 s and drain for 1 s (a failing release fails fast).</summary>
public sealed class ReleasesFixture : RuntimePortalFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Portal:Reconciler:StartTimeout"] = "00:00:08",
        ["Portal:Reconciler:DrainPeriod"] = "00:00:01",
        ["Portal:Git:PollCheckInterval"] = "00:00:01",
    };
}

/// <summary>
/// Git-linked deploys on real containers, a real bare repository and the router: a signed push is served by every
/// member with no failed request under load, a rollback restores the previous content without a build, and a
/// release that fails its health check leaves the serving one alone.
/// </summary>
public sealed class ReleasesOnDockerTests(ReleasesFixture fixture) : IClassFixture<ReleasesFixture>
{
    [Fact]
    public async Task A_signed_push_is_served_by_every_member_with_zero_failed_requests_and_a_rollback_restores_the_previous_content()
    {
        using var git = await GitWorkspace.CreateAsync();
        var first = await git.CommitAsync("First version", "index.php", Page("one"));
        var tenant = ApiClient.UniqueTenant("rel");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        var created = await client.CreateApplicationAsync(new
        {
            name = "shop",
            cartridge = "php",
            minMembers = 2,
            maxMembers = 2,
            repository = new { url = git.Origin, branch = "main" },
        });
        var secret = created.GetProperty("webhook").GetProperty("secret").GetString()!;
        Assert.EndsWith($"/hooks/git/{tenant}/shop", created.GetProperty("webhook").GetProperty("url").GetString());

        var release1 = await client.WaitForReleaseAsync("shop", 1);
        Assert.Equal("succeeded", release1.GetProperty("state").GetString());
        Assert.Equal(first, release1.GetProperty("commit").GetString());
        var host = $"shop.{tenant}.apps.localhost";
        await fixture.WaitUntilRoutedAsync(host, 2);
        var application = await client.ApplicationAsync("shop");
        Assert.Equal(first, application.GetProperty("release").GetProperty("commit").GetString());
        Assert.Equal(JsonValueKind.Null, application.GetProperty("webhook").GetProperty("secret").ValueKind); // shown once only

        // Load throughout: a push announced by a signed webhook rolls out, then a rollback.
        await using var load = Load.Start(fixture, host, workers: 4);
        await load.UntilServedAsync("version one", members: 2);

        var second = await git.CommitAsync("Second version", "index.php", Page("two"));
        var clock = Stopwatch.StartNew();
        using (var push = await fixture.Portal.CreateClient().SendAsync(GitHubPush(tenant, "shop", secret, second)))
        {
            Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        }

        var servedAfter = await load.UntilServedAsync("version two", members: 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"webhook -> 'version two' served by both members: {servedAfter.TotalMilliseconds:0} ms after the push ({clock.ElapsedMilliseconds} ms)");
        var release2 = await client.WaitForReleaseAsync("shop", 2);
        TestContext.Current.TestOutputHelper?.WriteLine("release #2: " + string.Join(", ", release2.GetProperty("steps").EnumerateArray()
            .Select(s => $"{s.GetProperty("name").GetString()} {s.GetProperty("durationMs").GetDouble():0} ms ({s.GetProperty("detail")})")));
        Assert.Equal("succeeded", release2.GetProperty("state").GetString());
        Assert.Equal(second, release2.GetProperty("commit").GetString());
        Assert.Equal("webhook", release2.GetProperty("trigger").GetString());
        Assert.Equal(["fetch", "build", "start", "health", "switch", "drain"],
            release2.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToArray());
        Assert.All(release2.GetProperty("steps").EnumerateArray(), s => Assert.NotEqual(JsonValueKind.Null, s.GetProperty("endedAt").ValueKind));

        // Rollback to #1: its image, no build; the old content under the same load.
        var rollback = await client.PostAsync($"/api/v1/applications/shop/releases/{release1.GetProperty("id").GetString()}/rollback", null);
        Assert.Equal(HttpStatusCode.Accepted, rollback.StatusCode);
        var number = (await rollback.JsonAsync()).GetProperty("number").GetInt32();
        await load.UntilServedAsync("version one", members: 2);
        var release3 = await client.WaitForReleaseAsync("shop", number);
        Assert.Equal("succeeded", release3.GetProperty("state").GetString());
        Assert.Equal("rollback", release3.GetProperty("trigger").GetString());
        Assert.Contains("image there already", release3.GetProperty("steps")[1].GetProperty("detail").GetString());
        Assert.Equal(first, (await client.ApplicationAsync("shop")).GetProperty("release").GetProperty("commit").GetString());

        var (served, failures) = await load.StopAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"{served} requests served during two rollouts; failures: {string.Join(", ", failures)}");
        Assert.True(served > 200, $"only {served} requests were served");
        Assert.Empty(failures);

        // Deleted, its release images go with the next clean-up (another application's stay).
        var images = fixture.Portal.Services.GetRequiredService<ReleaseImages>();
        var installation = await fixture.InstallationIdAsync();
        var tags = new[] { release1, release2 }.Select(r => r.GetProperty("image").GetString()!).ToList();
        Assert.Subset((await images.ListAsync(fixture.Docker, installation, CancellationToken.None)).ToHashSet(), tags.ToHashSet());
        var members = (await client.ApplicationAsync("shop")).MemberIds();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/shop")).StatusCode);
        for (var wait = 0; wait < 100 && (await fixture.ContainersAsync()).Any(c => members.Any(m => c.Labels[DockerContainerRuntime.MemberLabel] == m)); wait++)
        {
            await Task.Delay(200); // the reconciler removes the members' containers (an image in use stays)
        }

        await fixture.Portal.Services.GetServices<IHostedService>().OfType<ReleaseWorker>().Single().PruneImagesAsync(CancellationToken.None);
        Assert.Empty((await images.ListAsync(fixture.Docker, installation, CancellationToken.None)).Intersect(tags));
    }

    [Fact]
    public async Task A_release_that_fails_its_health_check_is_marked_failed_with_the_log_and_the_old_one_keeps_serving()
    {
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("Good", "index.php", Page("good"));
        var tenant = ApiClient.UniqueTenant("relfail");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new { name = "web", cartridge = "php", repository = new { url = git.Origin } });
        Assert.Equal("succeeded", (await client.WaitForReleaseAsync("web", 1)).GetProperty("state").GetString());
        var host = $"web.{tenant}.apps.localhost";
        await fixture.WaitUntilRoutedAsync(host, 1);

        await using var load = Load.Start(fixture, host, workers: 2);
        await load.UntilServedAsync("version good", members: 1);
        await git.CommitAsync("Broken", "index.php", "<?php http_response_code(500); error_log('the database is gone'); echo 'broken';");
        var deploy = await client.PostAsJsonAsync("/api/v1/applications/web/releases", new { });
        Assert.Equal(HttpStatusCode.Accepted, deploy.StatusCode);

        var failed = await client.WaitForReleaseAsync("web", 2);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("health check", failed.GetProperty("error").GetString());
        Assert.Contains("the database is gone", failed.GetProperty("log").GetString());
        Assert.False(failed.GetProperty("serving").GetBoolean());
        await Task.Delay(1500); // the failed release's members go, the old one stays

        var (served, failures) = await load.StopAsync();
        Assert.Empty(failures);
        Assert.Equal(["version good"], load.Versions);
        var application = await client.ApplicationAsync("web");
        Assert.Equal(1, application.GetProperty("release").GetProperty("number").GetInt32());
        Assert.Single(application.MemberIds());
        TestContext.Current.TestOutputHelper?.WriteLine($"{served} requests served, all by the good release, while the broken one failed");
    }

    [Fact]
    public async Task Pushes_arriving_during_a_rollout_are_queued_and_only_the_newest_is_deployed()
    {
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("v1", "index.php", Page("1"));
        var tenant = ApiClient.UniqueTenant("relq");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        var created = await client.CreateApplicationAsync(new { name = "app", cartridge = "php", repository = new { url = git.Origin } });
        var secret = created.GetProperty("webhook").GetProperty("secret").GetString()!;

        // Release #1 is rolling out while three pushes arrive.
        var commits = new List<string>();
        using var hooks = fixture.Portal.CreateClient();
        for (var i = 2; i <= 4; i++)
        {
            commits.Add(await git.CommitAsync($"v{i}", "index.php", Page(i.ToString())));
            using var push = await hooks.SendAsync(GitHubPush(tenant, "app", secret, commits[^1]));
            Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        }

        Assert.Equal("succeeded", (await client.WaitForReleaseAsync("app", 1)).GetProperty("state").GetString());
        var newest = await client.WaitForReleaseAsync("app", 4);
        Assert.Equal("succeeded", newest.GetProperty("state").GetString());
        Assert.Equal(commits[^1], newest.GetProperty("commit").GetString());
        var releases = (await client.ReleasesAsync("app")).EnumerateArray().ToDictionary(r => r.GetProperty("number").GetInt32(), r => r.GetProperty("state").GetString());
        Assert.Equal("superseded", releases[2]);
        Assert.Equal("superseded", releases[3]);
        Assert.Equal(4, releases.Count);
    }

    [Fact]
    public async Task Polling_deploys_a_new_commit_without_a_webhook()
    {
        using var git = await GitWorkspace.CreateAsync();
        await git.CommitAsync("v1", "index.php", Page("1"));
        var tenant = ApiClient.UniqueTenant("relpoll");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new { name = "polled", cartridge = "php", repository = new { url = git.Origin, pollIntervalSeconds = 5 } });
        Assert.Equal("succeeded", (await client.WaitForReleaseAsync("polled", 1)).GetProperty("state").GetString());

        var second = await git.CommitAsync("v2", "index.php", Page("2"));
        var release = await client.WaitForReleaseAsync("polled", 2, seconds: 60);
        Assert.Equal("succeeded", release.GetProperty("state").GetString());
        Assert.Equal("poll", release.GetProperty("trigger").GetString());
        Assert.Equal(second, release.GetProperty("commit").GetString());

        // A rollback stays: the head was deployed before, so polling does not bring it back.
        var first = (await client.ReleasesAsync("polled")).EnumerateArray().Single(r => r.GetProperty("number").GetInt32() == 1);
        var rollback = await client.PostAsync($"/api/v1/applications/polled/releases/{first.GetProperty("id").GetString()}/rollback", null);
        Assert.Equal(HttpStatusCode.Accepted, rollback.StatusCode);
        Assert.Equal("succeeded", (await client.WaitForReleaseAsync("polled", 3)).GetProperty("state").GetString());
        await Task.Delay(TimeSpan.FromSeconds(8)); // more than the poll interval
        Assert.Equal(3, (await client.ReleasesAsync("polled")).GetArrayLength());
        Assert.Equal(first.GetProperty("commit").GetString(), (await client.ApplicationAsync("polled")).GetProperty("release").GetProperty("commit").GetString());
    }

    private static string Page(string version) => $"<?php echo 'version {version} from ' . getenv('PORTAL_MEMBER_ID');";

    /// <summary>
    /// Requests through the router from several workers, each pausing 20 ms between its requests, until stopped; every
    /// response that is not a 200 is a failure.
    /// </summary>
    private sealed class Load : IAsyncDisposable
    {
        private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentQueue<string> failures = new();
        private readonly ConcurrentDictionary<string, byte> versions = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Task[] workers;
        private readonly ConcurrentQueue<(string Body, string? Member, TimeSpan At)> recent = new();
        private int served;

        private Load(RuntimePortalFixture fixture, string host, int count)
        {
            workers = [.. Enumerable.Range(0, count).Select(_ => Task.Run(() => RunAsync(fixture, host)))];
        }

        public IReadOnlyList<string> Versions => [.. versions.Keys.Order()];

        public static Load Start(RuntimePortalFixture fixture, string host, int workers) => new(fixture, host, workers);

        private async Task RunAsync(RuntimePortalFixture fixture, string host)
        {
            using var client = fixture.Portal.CreateClient();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.SendAsync(Get(host, "/"));
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode} at {clock.Elapsed.TotalSeconds:0.00} s");
                        continue;
                    }

                    Interlocked.Increment(ref served);
                    var version = body.Split(" from ")[0];
                    versions.TryAdd(version, 0);
                    recent.Enqueue((version, MemberOf(response), clock.Elapsed));
                    while (recent.Count > 200 && recent.TryDequeue(out _))
                    {
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    failures.Enqueue($"{e.GetType().Name} at {clock.Elapsed.TotalSeconds:0.00} s: {e.Message}");
                }

                await Task.Delay(Pace); // steady traffic, not all the CPU the host has: other tests run beside this one
            }
        }

        /// <summary>Waits until the last 20 responses are all <paramref name="version"/> and came from that many members; returns when.</summary>
        public async Task<TimeSpan> UntilServedAsync(string version, int members, int seconds = 90)
        {
            var deadline = clock.Elapsed + TimeSpan.FromSeconds(seconds);
            var since = clock.Elapsed;
            while (clock.Elapsed < deadline)
            {
                var window = recent.Where(r => r.At >= since).TakeLast(20).ToList();
                if (window.Count == 20 && window.All(r => r.Body == version) && window.Select(r => r.Member).Distinct().Count() == members)
                {
                    return window[0].At - since;
                }

                await Task.Delay(50);
            }

            Assert.Fail($"'{version}' was not served by {members} members within {seconds} s; last: {string.Join(", ", recent.TakeLast(5))}");
            return default;
        }

        public async Task<(int Served, IReadOnlyList<string> Failures)> StopAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            return (served, [.. failures]);
        }

        public async ValueTask DisposeAsync()
        {
            if (!stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            stop.Dispose();
        }
    }
}
