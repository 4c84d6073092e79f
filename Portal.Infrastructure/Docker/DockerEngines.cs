using System.Collections.Concurrent;
using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Docker;

/// <summary>One Docker client per engine endpoint, made once and shared (the clients are thread-safe).</summary>
public sealed class DockerEngines(IOptions<DockerOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, DockerClient> clients = new(StringComparer.Ordinal);

    /// <summary>The local engine (the default partition).</summary>
    public IDockerClient Local => For(options.Value.Endpoint);

    public IDockerClient For(string endpoint) =>
        clients.GetOrAdd(endpoint, e => new DockerClientConfiguration(new Uri(e), defaultTimeout: TimeSpan.FromSeconds(100))
            .CreateClient(Version.Parse(options.Value.ApiVersion)));

    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }
}
