using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Applications;
using Portal.Hubs;
using Portal.Tests.Routing;
using Portal.Tests.Support;

namespace Portal.Tests.Applications;

/// <summary>A portal on real Kestrel, so SignalR clients connect to it over real WebSockets.</summary>
public sealed class LiveLogsPortalFixture : RuntimePortalFixture
{
    protected override bool Kestrel => true;

    /// <summary>The hub's address on the portal's Kestrel.</summary>
    public Uri HubUrl => new(new Uri(Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), LogsHub.Path);
}

/// <summary>
/// Live logs over the real hub, from PHP members on the real Docker engine: a member's stdout and stderr lines with its
/// id, the earlier lines on open, two members merged in time order, a member added by scaling showing up and one
/// removed leaving the others alone; another tenant and an anonymous caller get nothing.
/// </summary>
public sealed class LiveLogsTests(LiveLogsPortalFixture fixture) : IClassFixture<LiveLogsPortalFixture>
{
    /// <summary>Writes ?n lines "{m} {i}" to stdout and one "{m} on stderr" to stderr.</summary>
    private const string LogPage = """
        <?php
        $m = $_GET['m'] ?? 'none';
        for ($i = 1; $i <= (int) ($_GET['n'] ?? 1); $i++) { file_put_contents('php://stdout', "$m $i\n"); }
        file_put_contents('php://stderr', "$m on stderr\n");
        echo 'logged';
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_members_stdout_and_stderr_lines_arrive_with_its_id_after_the_earlier_lines_asked_for()
    {
        var (client, application) = await ApplicationAsync("logs", members: 1);
        var memberId = Guid.Parse(application.MemberIds()[0]);
        var run = Guid.NewGuid().ToString("N")[..8];
        await WriteAsync(memberId, $"early-{run}", 30);

        // All 30 earlier lines first, in order; then a line written now, on each stream, with the member.
        await using (var all = await FollowAsync(client, "web", tail: 200))
        {
            await WriteAsync(memberId, $"live-{run}", 1);
            var live = await all.WaitForAsync(l => l.Text == $"live-{run} on stderr");
            var before = all.Lines.TakeWhile(l => !l.Text.StartsWith($"live-{run}", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(1, 30).Select(i => $"early-{run} {i}"),
                before.Where(l => l.Text.StartsWith($"early-{run} ", StringComparison.Ordinal) && !l.Text.EndsWith("stderr", StringComparison.Ordinal)).Select(l => l.Text));
            var stdout = Assert.Single(all.Lines, l => l.Text == $"live-{run} 1");
            Assert.Equal(("stdout", memberId, Member.ShortId(memberId)), (stdout.Stream, stdout.MemberId, stdout.Member));
            Assert.Equal(("stderr", memberId, Member.ShortId(memberId)), (live.Stream, live.MemberId, live.Member));
        }

        // Only the last 5 lines (none of the first 25 early ones), and from there every line the container logged, once.
        await using var five = await FollowAsync(client, "web", tail: 5);
        await WriteAsync(memberId, $"after-{run}", 1);
        var after = await five.WaitForAsync(l => l.Text == $"after-{run} on stderr");
        Assert.DoesNotContain(five.Lines, l => Enumerable.Range(1, 25).Any(i => l.Text == $"early-{run} {i}"));
        var received = five.Lines.TakeWhile(l => l != after).Append(after).Select(l => (l.At, l.Stream, l.Text)).ToList();
        var everything = await LoggedAsync(memberId);
        Assert.Equal(received.Count, received.Distinct().Count()); // nothing twice
        Assert.All(received, l => Assert.Contains(l, everything));
        // The engine's tail is the last lines of its log file, whose order across stdout and stderr may differ from the
        // lines' times by a fraction of a millisecond: from the newest earlier line on, every line arrives.
        var tailEnd = received.Take(5).Max(l => l.At);
        Assert.Equal(everything.Where(l => l.At > tailEnd && l.At <= after.At).Order(), received.Where(l => l.At > tailEnd).Order());
        Assert.Contains(everything, l => l.At < received[0].At); // the container had more: the tail cut it

        // Nothing earlier at all.
        await using var none = await FollowAsync(client, "web", tail: 0);
        await WriteAsync(memberId, $"zero-{run}", 1);
        await none.WaitForAsync(l => l.Text == $"zero-{run} on stderr");
        Assert.DoesNotContain(none.Lines, l => l.Text.StartsWith($"after-{run}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lines_of_two_members_arrive_merged_in_time_order_each_with_its_member()
    {
        var (client, application) = await ApplicationAsync("pair", members: 2);
        var members = application.MemberIds().Select(Guid.Parse).ToList();
        var run = Guid.NewGuid().ToString("N")[..8];

        await using var logs = await FollowAsync(client, "web", tail: 0);
        for (var i = 0; i < 10; i++)
        {
            await WriteAsync(members[i % 2], $"pair-{run}-{i}", 1);
        }

        for (var i = 0; i < 10; i++)
        {
            var line = await logs.WaitForAsync(l => l.Text == $"pair-{run}-{i} on stderr");
            Assert.Equal(members[i % 2], line.MemberId);
        }

        var seen = logs.Lines;
        Assert.Equal(members.ToHashSet(), seen.Where(l => l.Text.StartsWith($"pair-{run}", StringComparison.Ordinal)).Select(l => l.MemberId).ToHashSet());
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i - 1].At <= seen[i].At, $"line {i} ({seen[i].At:O} {seen[i].Member} {seen[i].Text}) came after a later one ({seen[i - 1].At:O} {seen[i - 1].Member} {seen[i - 1].Text})");
        }

        // One member only.
        await using var one = await FollowAsync(client, "web", tail: 0, member: Member.ShortId(members[1]));
        await WriteAsync(members[0], $"solo-{run}-0", 1);
        await WriteAsync(members[1], $"solo-{run}-1", 1);
        await one.WaitForAsync(l => l.Text == $"solo-{run}-1 on stderr");
        await logs.WaitForAsync(l => l.Text == $"solo-{run}-0 on stderr"); // written before: the stream of all saw it
        Assert.All(one.Lines, l => Assert.Equal(members[1], l.MemberId));
    }

    [Fact]
    public async Task A_member_added_by_scaling_starts_appearing_and_one_removed_leaves_the_others_streaming()
    {
        var tenant = ApiClient.UniqueTenant("scale-logs");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new { name = "web", cartridge = "php", minMembers = 1, maxMembers = 2 });
        var first = Guid.Parse((await client.WaitUntilRunningAsync("web", 1)).MemberIds()[0]);
        var run = Guid.NewGuid().ToString("N")[..8];

        await using var logs = await FollowAsync(client, "web", tail: 0);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 2 })).StatusCode);
        var second = Guid.Parse((await client.WaitUntilRunningAsync("web", 2)).MemberIds().Single(id => id != first.ToString()));

        // Its lines from its first one on (php's server says it started), and what it serves.
        await logs.WaitForAsync(l => l.MemberId == second && l.Text.Contains("Development Server", StringComparison.Ordinal));
        await RequestAsync(second, $"/?new-{run}");
        await logs.WaitForAsync(l => l.MemberId == second && l.Text.Contains($"GET /?new-{run}", StringComparison.Ordinal));

        // Back to one member: the other one's lines keep coming.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 1 })).StatusCode);
        var kept = Guid.Parse((await client.WaitUntilRunningAsync("web", 1, seconds: 60)).MemberIds().Single());
        await RequestAsync(kept, $"/?kept-{run}");
        var line = await logs.WaitForAsync(l => l.Text.Contains($"GET /?kept-{run}", StringComparison.Ordinal));
        Assert.Equal(kept, line.MemberId);
    }

    [Fact]
    public async Task Another_tenants_application_is_not_found_and_yields_no_line()
    {
        var (owner, _) = await ApplicationAsync("owner", members: 1);
        owner.Dispose();
        using var other = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("other"));

        var refused = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await using var logs = await FollowAsync(other, "web", tail: 100, expectLines: false);
            await logs.Completion;
        });
        var missing = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await using var logs = await FollowAsync(other, "no-such-app", tail: 100, expectLines: false);
            await logs.Completion;
        });

        Assert.Contains("There is no application named 'web'.", refused.Message);
        Assert.Equal(missing.Message.Replace("no-such-app", "web", StringComparison.Ordinal), refused.Message); // the same answer: no existence leak
    }

    [Fact]
    public async Task A_connection_without_a_token_is_refused()
    {
        await using var anonymous = new HubConnectionBuilder().WithUrl(fixture.HubUrl).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await using var forged = new HubConnectionBuilder()
            .WithUrl(fixture.HubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>("not-a-token"))
            .Build();
        var forgedRefused = await Assert.ThrowsAsync<HttpRequestException>(() => forged.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, forgedRefused.StatusCode);
    }

    [Fact]
    public async Task A_token_in_the_query_string_counts_on_the_hubs_path_only()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("query"));
        var token = tenant.DefaultRequestHeaders.Authorization!.Parameter!;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = fixture.HubUrl };

        using var api = await http.GetAsync($"/api/v1/applications?access_token={Uri.EscapeDataString(token)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        using var negotiate = await http.PostAsync($"{LogsHub.Path}/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(token)}", null,
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
    }

    private async Task<(HttpClient Client, System.Text.Json.JsonElement Application)> ApplicationAsync(string prefix, int members)
    {
        var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant(prefix));
        await client.CreateApplicationAsync(new { name = "web", cartridge = "php", minMembers = members, maxMembers = members });
        var application = await client.WaitUntilRunningAsync("web", members);
        await fixture.AddPageAsync(application, "log.php", LogPage);
        return (client, application);
    }

    /// <summary>Every line the member's container logged, as the engine gives them, in time order.</summary>
    private async Task<List<(DateTimeOffset At, string Stream, string Text)>> LoggedAsync(Guid member)
    {
        var container = await fixture.ContainerOfAsync(member.ToString());
        using var logs = await fixture.Docker.Containers.GetContainerLogsAsync(container.ID, tty: false,
            new Docker.DotNet.Models.ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Timestamps = true, Tail = "all" },
            TestContext.Current.CancellationToken);
        var (stdout, stderr) = await logs.ReadOutputToEndAsync(TestContext.Current.CancellationToken);
        return [.. ContainerLogs.Lines(stdout).Select(l => (ContainerLogs.ParseTimestamped(l)!.Value, "stdout"))
            .Concat(ContainerLogs.Lines(stderr).Select(l => (ContainerLogs.ParseTimestamped(l)!.Value, "stderr")))
            .Select(l => (l.Value.At, l.Item2, l.Value.Text))
            .OrderBy(l => l.At)];
    }

    /// <summary>Requests the log page of one member, on its port published on 127.0.0.1.</summary>
    private Task WriteAsync(Guid member, string marker, int lines) => RequestAsync(member, $"/log.php?m={marker}&n={lines}");

    private async Task RequestAsync(Guid member, string path)
    {
        var port = (await fixture.ContainerOfAsync(member.ToString())).Ports.First(p => p.IP == "127.0.0.1" && p.PublicPort > 0).PublicPort;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A connection with the tenant's bearer token, over WebSockets only (the token goes in the query string).</summary>
    private HubConnection Connection(string token) =>
        new HubConnectionBuilder()
            .WithUrl(fixture.HubUrl, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();

    private async Task<LogsStream> FollowAsync(HttpClient client, string application, int tail, string? member = null, bool expectLines = true)
    {
        var connection = Connection(client.DefaultRequestHeaders.Authorization!.Parameter!);
        await connection.StartAsync(TestContext.Current.CancellationToken);
        var stream = new LogsStream(connection, connection.StreamAsync<LogLineMessage>("Follow", application, member, tail));
        if (expectLines)
        {
            // The stream starts when read: its first line (an earlier one, or a health check's, every 2 s) says the portal follows.
            await stream.WaitForAsync(_ => true);
        }

        return stream;
    }

    /// <summary>The lines of one hub stream, collected as they come.</summary>
    private sealed class LogsStream : IAsyncDisposable
    {
        private readonly HubConnection connection;
        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentQueue<LogLineMessage> lines = new();

        public LogsStream(HubConnection connection, IAsyncEnumerable<LogLineMessage> stream)
        {
            this.connection = connection;
            Completion = Task.Run(async () =>
            {
                await foreach (var line in stream.WithCancellation(stop.Token))
                {
                    lines.Enqueue(line);
                }
            });
        }

        /// <summary>Ends when the stream does: with the hub's error, if any.</summary>
        public Task Completion { get; }

        public IReadOnlyList<LogLineMessage> Lines => [.. lines];

        public async Task<LogLineMessage> WaitForAsync(Func<LogLineMessage, bool> condition)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                if (lines.FirstOrDefault(condition) is { } line)
                {
                    return line;
                }

                if (Completion.IsCompleted)
                {
                    await Completion; // throws the stream's error
                    Assert.Fail("The stream ended.");
                }

                await Task.Delay(50);
            }

            Assert.Fail($"No such line within {Patience.TotalSeconds} s; the last ones: {string.Join(" | ", Lines.TakeLast(10).Select(l => $"{l.Member} {l.Stream} {l.Text}"))}");
            return null!;
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await Completion;
            }
            catch (Exception e) when (e is OperationCanceledException or HubException)
            {
                // Stopped here, or refused (the test looked at that).
            }

            await connection.DisposeAsync();
            stop.Dispose();
        }
    }
}
