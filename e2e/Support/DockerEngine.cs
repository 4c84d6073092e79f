using Docker.DotNet;
using Docker.DotNet.Models;

namespace Portal.E2E.Support;

/// <summary>
/// The Docker engine the portal runs its members on (<c>PORTAL_DOCKER_HOST</c>, by default the local socket): the
/// tests look at members' containers directly, as an operator would.
/// </summary>
public static class DockerEngine
{
    /// <summary>The portal's label naming a container's member.</summary>
    public const string MemberLabel = "portal.member";

    /// <summary>The portal's label naming a container's tenant (by id).</summary>
    public const string TenantLabel = "portal.tenant";

    public static string Endpoint =>
        Environment.GetEnvironmentVariable("PORTAL_DOCKER_HOST") is { Length: > 0 } endpoint ? endpoint : "unix:///var/run/docker.sock";

    /// <summary>
    /// A client of the engine. Without an engine that answers, the calling test is skipped, or fails when CI=true
    /// (CI must not go green by skipping it).
    /// </summary>
    public static async Task<DockerClient> RequireAsync()
    {
        var client = new DockerClientConfiguration(new Uri(Endpoint)).CreateClient(new System.Version(1, 41));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or DockerApiException
                                       or System.Net.Sockets.SocketException)
        {
            client.Dispose();
            var reason = $"The Docker engine at {Endpoint} does not answer ({e.Message}); run scripts/test.sh";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{reason} (CI=true: the application tests must not be skipped).");
            }

            Assert.Skip(reason);
            throw; // not reached: Assert.Skip throws
        }
    }

    /// <summary>The containers of a member, running or not (one while it lives, none once it is removed).</summary>
    public static async Task<IList<ContainerListResponse>> ContainersOfAsync(this IDockerClient docker, string memberId) =>
        await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{MemberLabel}={memberId}"] = true },
            },
        });

    /// <summary>The network of the tenant the member belongs to (the portal makes one per tenant and keeps it).</summary>
    public static async Task<string> NetworkOfAsync(this IDockerClient docker, string memberId)
    {
        var container = Assert.Single(await docker.ContainersOfAsync(memberId));
        return $"portal-tenant-{Guid.Parse(container.Labels[TenantLabel]):N}";
    }

    /// <summary>Removes a network the tests made the portal create, if it is there.</summary>
    public static async Task RemoveNetworkAsync(this IDockerClient docker, string network)
    {
        try
        {
            await docker.Networks.DeleteNetworkAsync(network);
        }
        catch (DockerNetworkNotFoundException)
        {
            // Gone already.
        }
    }

    /// <summary>Where the member's container publishes <paramref name="containerPort"/> (on 127.0.0.1).</summary>
    public static async Task<Uri> PublishedUrlAsync(this IDockerClient docker, string memberId, int containerPort)
    {
        var container = Assert.Single(await docker.ContainersOfAsync(memberId));
        var port = container.Ports.Single(p => p.PrivatePort == containerPort && p.IP == "127.0.0.1").PublicPort;
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
