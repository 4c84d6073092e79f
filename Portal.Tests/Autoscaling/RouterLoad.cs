using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Portal.Tests.Support;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Autoscaling;

/// <summary>Workers requesting one page through the router, counting who served what and when, and what failed.</summary>
public sealed class RouterLoad : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(string Member, TimeSpan At)> served = new();
    private readonly Task[] workers;

    public RouterLoad(RuntimePortalFixture fixture, string host, string path, int workers) =>
        this.workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(fixture, host, path)))];

    public ConcurrentQueue<string> Failures { get; } = new();

    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Only responses after this count for <see cref="ServedBy"/>.</summary>
    public TimeSpan Since { get; set; }

    public int ServedBy(string member) => served.Count(s => s.Member == member && s.At >= Since);

    public string Summary => string.Join(", ", served.Where(s => s.At >= Since).GroupBy(s => s.Member).Select(g => $"{g.Key[^8..]}: {g.Count()}"));

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers);
    }

    public void Dispose() => stop.Dispose();

    private async Task RunAsync(RuntimePortalFixture fixture, string host, string path)
    {
        using var client = fixture.Portal.CreateClient();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.SendAsync(Get(host, path), stop.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Failures.Enqueue($"{(int)response.StatusCode} at {clock.Elapsed.TotalSeconds:0.0} s");
                    continue;
                }

                served.Enqueue((MemberOf(response) ?? "?", clock.Elapsed));
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                Failures.Enqueue($"{e.GetType().Name} at {clock.Elapsed.TotalSeconds:0.0} s: {e.Message}");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
