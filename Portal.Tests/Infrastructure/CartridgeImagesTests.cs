using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>Building the built-in cartridges' images on the real Docker engine, and running them hardened.</summary>
public sealed class CartridgeImagesTests
{
    private static CartridgeImages ImagesOn(DockerEngines engines) =>
        new(engines, Options.Create(new CartridgeImageOptions()), NullLogger<CartridgeImages>.Instance);

    [Fact]
    public async Task The_php_cartridge_builds_from_the_local_base_and_serves_its_placeholder_hardened()
    {
        using var engines = await DockerEngine.RequireAsync();
        var images = ImagesOn(engines);
        var cartridge = Cartridge.From(BuiltInCartridges.Php with { Image = $"portal-test/php:{Guid.NewGuid():N}" }, builtIn: true, DateTimeOffset.UtcNow);
        string? containerId = null;
        try
        {
            Assert.Equal(CartridgeImageState.Missing, (await images.StatusAsync(cartridge, TestContext.Current.CancellationToken)).State);

            var lines = new List<string>();
            var built = await images.BuildAsync(cartridge, new SynchronousProgress(lines), TestContext.Current.CancellationToken);

            Assert.True(built.Succeeded, built.Failure?.Message + "\n" + string.Join("\n", lines));
            Assert.Contains(lines, l => l.Contains("from the local base image local/php-base", StringComparison.Ordinal));
            Assert.Equal(CartridgeImageState.Present, (await images.StatusAsync(cartridge, TestContext.Current.CancellationToken)).State);

            containerId = await RunHardenedAsync(engines.Local, cartridge);
            var port = await PublishedPortAsync(engines.Local, containerId, cartridge.ContainerPort);
            var body = await HttpProbe.GetWhenUpAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.Contains("no code deployed", body, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (containerId is not null)
            {
                await engines.Local.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true });
            }

            await RemoveImageAsync(engines.Local, cartridge.Image);
        }
    }

    [Fact]
    public async Task A_registered_image_that_is_missing_is_named_not_built()
    {
        using var engines = await DockerEngine.RequireAsync();
        var images = ImagesOn(engines);
        var cartridge = Cartridge.From(new CartridgeDefinition
        {
            Name = "ghost", DisplayName = "Ghost", Version = "1", Image = $"portal-test/ghost:{Guid.NewGuid():N}", ContainerPort = 80,
        }, builtIn: false, DateTimeOffset.UtcNow);

        var status = await images.StatusAsync(cartridge, TestContext.Current.CancellationToken);
        var built = await images.BuildAsync(cartridge, new SynchronousProgress([]), TestContext.Current.CancellationToken);

        Assert.Equal(CartridgeImageState.CannotBuild, status.State);
        Assert.Contains(cartridge.Image, status.Message, StringComparison.Ordinal);
        Assert.False(built.Succeeded);
        Assert.Contains(cartridge.Image, built.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_engine_is_reported_not_thrown()
    {
        using var engines = new DockerEngines(Options.Create(new DockerOptions { Endpoint = "unix:///nonexistent/docker.sock" }));
        var cartridge = Cartridge.From(BuiltInCartridges.Php, builtIn: true, DateTimeOffset.UtcNow);

        var status = await ImagesOn(engines).StatusAsync(cartridge, TestContext.Current.CancellationToken);

        Assert.Equal(CartridgeImageState.EngineUnreachable, status.State);
    }

    /// <summary>Runs the image as the portal will run members: no capabilities, no privilege gain, limits, loopback-only port.</summary>
    private static async Task<string> RunHardenedAsync(IDockerClient docker, Cartridge cartridge)
    {
        var port = $"{cartridge.ContainerPort}/tcp";
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = cartridge.Image,
            Labels = new Dictionary<string, string> { ["portal.test"] = "cartridge-images" },
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                PidsLimit = 100,
                Memory = cartridge.MemoryLimitMb * 1024L * 1024L,
                NanoCPUs = (long)(cartridge.CpuLimit * 1e9),
                PortBindings = new Dictionary<string, IList<PortBinding>> { [port] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "" }] },
            },
        });
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    private static async Task<int> PublishedPortAsync(IDockerClient docker, string containerId, int containerPort)
    {
        var inspected = await docker.Containers.InspectContainerAsync(containerId);
        var binding = inspected.NetworkSettings.Ports[$"{containerPort}/tcp"].Single();
        Assert.Equal("127.0.0.1", binding.HostIP);
        return int.Parse(binding.HostPort, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task RemoveImageAsync(IDockerClient docker, string image)
    {
        try
        {
            await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
        }
        catch (DockerImageNotFoundException)
        {
        }
    }

    /// <summary>Collects progress lines as they come (Progress&lt;T&gt; would post them later, out of order).</summary>
    private sealed class SynchronousProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
