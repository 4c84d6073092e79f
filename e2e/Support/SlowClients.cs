using System.Net;

namespace Portal.E2E.Support;

/// <summary>
/// Clients posting to the application's page through the router's port, back to back, each sending its small body
/// slowly (over about 1.5 s, as a client on a poor connection would): every client keeps a request in flight while
/// the host's CPU stays free for the tests that run beside this one.
/// </summary>
public sealed class SlowClients : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly HttpClient client = new(new SocketsHttpHandler { UseProxy = false });
    private readonly Task[] clients;
    private int served;

    public SlowClients(int routerPort, string host, int clients) =>
        this.clients = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(() => RunAsync(routerPort, host)))];

    public int Served => Volatile.Read(ref served);

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(clients);
    }

    public void Dispose()
    {
        stop.Cancel();
        client.Dispose();
        stop.Dispose();
    }

    private async Task RunAsync(int routerPort, string host)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{routerPort}/")
                {
                    Content = new SlowContent(stop.Token),
                };
                request.Headers.Host = host;
                using var response = await client.SendAsync(request, stop.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref served);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100); // not routed yet: try again
            }
        }
    }
}

/// <summary>A 15-byte form body written a byte every 100 ms.</summary>
internal sealed class SlowContent : HttpContent
{
    private static readonly byte[] Body = "note=slow+upload"u8.ToArray()[..15];
    private readonly CancellationToken stop;

    public SlowContent(CancellationToken stop)
    {
        this.stop = stop;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < Body.Length; i++)
        {
            await stream.WriteAsync(Body.AsMemory(i, 1), stop);
            await stream.FlushAsync(stop);
            await Task.Delay(100, stop);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Body.Length;
        return true;
    }
}
