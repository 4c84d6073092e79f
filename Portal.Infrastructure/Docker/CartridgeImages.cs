using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Cartridges;
using Portal.Core.Common;

namespace Portal.Infrastructure.Docker;

/// <summary>Whether a cartridge's image is on the engine, and if not, whether the portal can build it.</summary>
public enum CartridgeImageState
{
    Present,
    Missing,

    /// <summary>There, but built from other Dockerfiles than the portal carries now (an upgrade changed them): rebuild it.</summary>
    Outdated,
    CannotBuild,
    EngineUnreachable,
}

public sealed record CartridgeImageStatus(CartridgeImageState State, string Message);

/// <summary>
/// The images of the cartridges on the local engine: which are there, and building the built-in ones from their
/// Dockerfiles (with progress), from a local base image where the engine has one.
/// </summary>
public sealed class CartridgeImages(
    DockerEngines engines,
    IOptions<CartridgeImageOptions> options,
    ILogger<CartridgeImages> logger)
{
    /// <summary>The digest of the Dockerfiles an image was built from, to tell when it is outdated.</summary>
    public const string ContextLabel = "portal.cartridge.context";

    public async Task<CartridgeImageStatus> StatusAsync(Cartridge cartridge, CancellationToken cancellationToken)
    {
        try
        {
            var context = BuildContextOf(cartridge);
            if (await ImageLabelsAsync(cartridge.Image, cancellationToken) is { } labels)
            {
                return context is not null && (labels.TryGetValue(ContextLabel, out var digest) ? digest : null) != ContextDigest(context)
                    ? new(CartridgeImageState.Outdated, $"{cartridge.Image} was built from older Dockerfiles than {context}; rebuild it.")
                    : new(CartridgeImageState.Present, $"{cartridge.Image} is on the engine.");
            }

            return context is not null
                ? new(CartridgeImageState.Missing, $"{cartridge.Image} is missing; the portal can build it from {context}.")
                : new(CartridgeImageState.CannotBuild,
                    $"{cartridge.Image} is missing and the portal cannot build it: load it into the engine (docker load or docker pull).");
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return new(CartridgeImageState.EngineUnreachable, $"The Docker engine does not answer: {e.Message}");
        }
    }

    /// <summary>Builds the cartridge's image from its Dockerfile, reporting the build's output line by line.</summary>
    public async Task<Result<bool>> BuildAsync(Cartridge cartridge, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (BuildContextOf(cartridge) is not { } context)
        {
            return Failure.Validation("image", $"The portal has no Dockerfile for {cartridge.Name}; load {cartridge.Image} into the engine.");
        }

        using var tar = new MemoryStream();
        await TarFile.CreateFromDirectoryAsync(context, tar, includeBaseDirectory: false, cancellationToken);
        tar.Position = 0;

        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (options.Value.LocalBaseImages.TryGetValue(cartridge.Name, out var localBase)
                && await ImageExistsAsync(localBase, cancellationToken))
            {
                buildArgs["BASE_IMAGE"] = localBase;
                progress.Report($"Building {cartridge.Image} from the local base image {localBase}");
            }
            else
            {
                progress.Report($"Building {cartridge.Image} from its Dockerfile's default base image");
            }

            var error = await engines.Local.BuildImageAsync(
                new ImageBuildParameters
                {
                    Tags = [cartridge.Image],
                    BuildArgs = buildArgs,
                    Remove = true,
                    ForceRemove = true,
                    Labels = new Dictionary<string, string> { ["portal.cartridge"] = cartridge.Name, [ContextLabel] = ContextDigest(context) },
                },
                tar, progress, cancellationToken);

            if (error is not null || !await ImageExistsAsync(cartridge.Image, cancellationToken))
            {
                logger.LogWarning("Building the image of cartridge {Cartridge} failed: {Error}", cartridge.Name, error);
                return Failure.Validation("image", $"Building {cartridge.Image} failed: {error ?? "the image is not there afterwards"}");
            }

            progress.Report($"Built {cartridge.Image}");
            return true;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return Failure.Validation("image", $"The Docker engine does not answer: {e.Message}");
        }
    }

    private string? BuildContextOf(Cartridge cartridge)
    {
        if (!cartridge.BuiltIn || string.IsNullOrEmpty(cartridge.BuildContext))
        {
            return null;
        }

        // BuildContext is "cartridges/<name>" (relative to the repository); the portal carries a copy of cartridges/.
        var folder = Path.Combine(options.Value.Directory, Path.GetFileName(cartridge.BuildContext));
        return File.Exists(Path.Combine(folder, "Dockerfile")) ? folder : null;
    }

    private async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken) =>
        await ImageLabelsAsync(image, cancellationToken) is not null;

    private Task<IDictionary<string, string>?> ImageLabelsAsync(string image, CancellationToken cancellationToken) =>
        engines.Local.ImageLabelsAsync(image, cancellationToken);

    /// <summary>A digest of every file of the build context (names and contents), recorded on the image it builds.</summary>
    private static string ContextDigest(string context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(context, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(context, file).Replace('\\', '/') + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool IsUnreachable(Exception e) => DockerErrors.IsUnreachable(e);
}

/// <summary>Questions about images any engine can answer, and builds.</summary>
public static class DockerImages
{
    /// <summary>
    /// Builds an image from a tar context, reporting the engine's output line by line as it arrives; returns the
    /// error the build stream reported, or null.
    /// </summary>
    public static async Task<string?> BuildImageAsync(
        this IDockerClient docker, ImageBuildParameters parameters, Stream context, IProgress<string> progress, CancellationToken cancellationToken)
    {
        string? error = null;
        // Handled as they arrive (Progress<T> would post them later, after the build returned).
        var messages = new InlineProgress<JSONMessage>(message =>
        {
            if (message.Error is { } failure)
            {
                error = failure.Message;
            }

            var line = (message.Stream ?? message.Status ?? message.ErrorMessage)?.TrimEnd();
            if (!string.IsNullOrEmpty(line))
            {
                progress.Report(line);
            }
        });
        await docker.Images.BuildImageFromDockerfileAsync(parameters, context, authConfigs: null, headers: null, messages, cancellationToken);
        return error;
    }

    /// <summary>The image's labels (empty when it has none), or null when the engine does not have it.</summary>
    public static async Task<IDictionary<string, string>?> ImageLabelsAsync(this IDockerClient docker, string image, CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await docker.Images.InspectImageAsync(image, cancellationToken);
            return inspected.Config?.Labels ?? new Dictionary<string, string>();
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>An <see cref="IProgress{T}"/> that handles each report at once, on the reporting thread.</summary>
public sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
