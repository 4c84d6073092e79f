using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>Building the built-in cartridges' images on the real Docker engine, and running them as members.</summary>
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
        var runtime = new DockerContainerRuntime(engines.Local, Guid.NewGuid());
        var tenantId = Guid.NewGuid();
        string? containerId = null;
        try
        {
            Assert.Equal(CartridgeImageState.Missing, (await images.StatusAsync(cartridge, TestContext.Current.CancellationToken)).State);

            var lines = new List<string>();
            var built = await images.BuildAsync(cartridge, new InlineProgress<string>(lines.Add), TestContext.Current.CancellationToken);

            Assert.True(built.Succeeded, built.Failure?.Message + "\n" + string.Join("\n", lines));
            Assert.Contains(lines, l => l.Contains("from the local base image local/php-base", StringComparison.Ordinal));
            Assert.Equal(CartridgeImageState.Present, (await images.StatusAsync(cartridge, TestContext.Current.CancellationToken)).State);

            var member = await runtime.StartAsync(new MemberSpec
            {
                TenantId = tenantId, ApplicationId = Guid.NewGuid(), ClusterId = Guid.NewGuid(), MemberId = Guid.NewGuid(),
                Image = cartridge.Image, ContainerPort = cartridge.ContainerPort,
            }, TestContext.Current.CancellationToken);
            containerId = member.ContainerId;
            var body = await HttpProbe.GetWhenUpAsync(new Uri($"http://127.0.0.1:{member.PublishedPort}/"));
            Assert.Contains("no code deployed", body, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (containerId is not null)
            {
                await runtime.RemoveAsync(containerId, TimeSpan.Zero, CancellationToken.None);
                await engines.Local.Networks.DeleteNetworkAsync(DockerContainerRuntime.NetworkOf(tenantId));
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
        var built = await images.BuildAsync(cartridge, new InlineProgress<string>(_ => { }), TestContext.Current.CancellationToken);

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
}
