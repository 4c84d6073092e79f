using Docker.DotNet;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Docker;

namespace Portal.Tests.Support;

/// <summary>The real local Docker engine that <c>scripts/test.sh</c> starts.</summary>
public static class DockerEngine
{
    public static DockerOptions Options => new()
    {
        Endpoint = Environment.GetEnvironmentVariable("PORTAL_DOCKER_HOST") is { Length: > 0 } endpoint
            ? endpoint
            : "unix:///var/run/docker.sock",
    };

    /// <summary>Engines on the test endpoint; skips the test (fails it under CI) when the engine does not answer.</summary>
    public static async Task<DockerEngines> RequireAsync()
    {
        var engines = new DockerEngines(Microsoft.Extensions.Options.Options.Create(Options));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await engines.Local.System.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or DockerApiException
                                       or System.Net.Sockets.SocketException)
        {
            engines.Dispose();
            TestServices.Unavailable($"The Docker engine at {Options.Endpoint} ({e.Message})");
        }

        return engines;
    }
}
