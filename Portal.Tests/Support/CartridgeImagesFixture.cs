using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Docker;

namespace Portal.Tests.Support;

/// <summary>The real Docker engine with the built-in cartridges' images built (once per run, as the portal builds them).</summary>
public sealed class CartridgeImagesFixture : IAsyncLifetime
{
    // Test classes run in parallel; one build of an image at a time is enough.
    private static readonly SemaphoreSlim Building = new(1, 1);
    private DockerEngines? engines;

    public DockerEngines Engines => engines ?? throw new InvalidOperationException("Not initialized.");

    public async ValueTask InitializeAsync()
    {
        engines = await DockerEngine.RequireAsync();
        await EnsureBuiltAsync(engines);
    }

    /// <summary>Builds the built-in cartridges' images that are missing or outdated on the engine.</summary>
    public static async Task EnsureBuiltAsync(DockerEngines engines)
    {
        await Building.WaitAsync();
        try
        {
            await BuildMissingAsync(engines);
        }
        finally
        {
            Building.Release();
        }
    }

    private static async Task BuildMissingAsync(DockerEngines engines)
    {
        var images = new CartridgeImages(engines, Options.Create(new CartridgeImageOptions()), NullLogger<CartridgeImages>.Instance);
        foreach (var definition in BuiltInCartridges.All)
        {
            var cartridge = Cartridge.From(definition, builtIn: true, DateTimeOffset.UtcNow);
            if ((await images.StatusAsync(cartridge, CancellationToken.None)).State != CartridgeImageState.Present)
            {
                var log = new List<string>();
                var built = await images.BuildAsync(cartridge, new InlineProgress<string>(log.Add), CancellationToken.None);
                Assert.True(built.Succeeded, $"building {cartridge.Image}: {built.Failure?.Message}\n{string.Join('\n', log)}");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        engines?.Dispose();
        return ValueTask.CompletedTask;
    }
}
