using System.Net.Sockets;
using Docker.DotNet;

namespace Portal.Infrastructure.Docker;

/// <summary>Telling an engine that does not answer from one that answers no.</summary>
internal static class DockerErrors
{
    /// <summary>The engine could not be reached or failed itself (5xx), as opposed to refusing the request.</summary>
    public static bool IsUnreachable(Exception e) =>
        e is HttpRequestException or SocketException or TimeoutException or IOException
        || (e is DockerApiException api && (int)api.StatusCode >= 500)
        || e.InnerException is { } inner && IsUnreachable(inner);
}
