using System.Net;
using System.Net.Sockets;
using Portal.Core.Cartridges;

namespace Portal.Infrastructure.Docker;

/// <summary>
/// Checks one member's health through its port published on 127.0.0.1. HTTP: GET the cartridge's health path
/// and expect 2xx or 3xx. TCP: more than "the port accepts": Docker's port forwarder accepts connections before
/// anything listens in the container and then closes them at once, so a TCP check connects and waits a moment;
/// a connection the far side closes straight away is not healthy (a server either greets, like MySQL, or waits).
/// </summary>
public sealed class MemberHealthProbe(HttpClient http)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseWatch = TimeSpan.FromMilliseconds(300);

    public async Task<bool> IsHealthyAsync(HealthCheckKind kind, string? path, int hostPort, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return kind == HealthCheckKind.Http
                ? await HttpHealthyAsync(path ?? "/", hostPort, timeout.Token)
                : await TcpHealthyAsync(hostPort, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException
                                       || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task<bool> HttpHealthyAsync(string path, int hostPort, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{hostPort}{path}"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (int)response.StatusCode is >= 200 and < 400;
    }

    private static async Task<bool> TcpHealthyAsync(int hostPort, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, hostPort), cancellationToken);

        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watch.CancelAfter(CloseWatch);
        var buffer = new byte[1];
        try
        {
            // Data (a greeting) is healthy; an orderly close (0 bytes) is the forwarder finding nothing behind it.
            return await socket.ReceiveAsync(buffer, SocketFlags.None, watch.Token) > 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true; // still open and quiet: a server waiting for the client to speak first
        }
    }
}
