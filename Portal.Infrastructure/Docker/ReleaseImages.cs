using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Portal.Core.Common;

namespace Portal.Infrastructure.Docker;

/// <summary>What a release's image is made of: the cartridge's image, the exported tree of a commit, its tag and labels.</summary>
public sealed record ReleaseImageSpec(string BaseImage, string SourceDirectory, string Tag, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// The images of releases: one commit's tree copied to <c>/app/</c> on top of the cartridge's (local) image, on any
/// engine. The build context is written here, never taken from the repository: the tree goes under <c>app/</c> next
/// to a generated <c>Dockerfile.portal</c> (<c>FROM</c> the base, <c>COPY app/ /app/</c>), so a Dockerfile or a
/// .dockerignore in the repository changes nothing. Files keep their modes, symbolic links stay links, everything
/// is owned by root (the cartridge's user only reads). Nothing runs during the build, so it takes about a second.
/// </summary>
public sealed class ReleaseImages(ILogger<ReleaseImages> logger)
{
    public const string DockerfileName = "Dockerfile.portal";

    /// <summary>
    /// Release images are <c>portal-release/{installation}/{application}:{commit}</c>: the tag tells whose they are
    /// (labels would too, but the builder applies them in a step of their own, ~0.5 s of every build).
    /// </summary>
    public const string Repository = "portal-release";

    /// <summary>The tags of the release images <paramref name="installation"/> built on this engine.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(IDockerClient engine, Guid installation, CancellationToken cancellationToken)
    {
        var prefix = $"{Repository}/{installation:N}/";
        var images = await engine.Images.ListImagesAsync(new ImagesListParameters(), cancellationToken);
        return [.. images.SelectMany(i => i.RepoTags ?? []).Where(t => t.StartsWith(prefix, StringComparison.Ordinal))];
    }
    private const string ContextFolder = "app/";

    private const UnixFileMode FolderMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode DockerfileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The tag of an application's image of one commit (lower-case, at most 128 characters after the colon).</summary>
    public static string TagOf(Guid installation, Guid applicationId, string commitId)
    {
        var tag = commitId.ToLowerInvariant();
        if (tag.Length is 0 or > 128 || tag[0] is '.' or '-' || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw new ArgumentException($"'{commitId}' cannot be an image tag.", nameof(commitId));
        }

        return $"{Repository}/{installation:N}/{applicationId:N}:{tag}";
    }

    /// <summary>Builds the release's image on <paramref name="engine"/>, reporting the build's output line by line; the image's id.</summary>
    public async Task<Result<string>> BuildAsync(IDockerClient engine, ReleaseImageSpec spec, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(spec.BaseImage) || spec.BaseImage.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return Failure.Validation("build", $"'{spec.BaseImage}' is not an image name.");
        }

        if (!Directory.Exists(spec.SourceDirectory))
        {
            return Failure.Validation("build", $"The source tree {spec.SourceDirectory} is not there.");
        }

        try
        {
            if (await engine.ImageLabelsAsync(spec.BaseImage, cancellationToken) is null)
            {
                return Failure.Validation("build",
                    $"The cartridge's image {spec.BaseImage} is not on the engine; build or load it there first (it is never pulled).");
            }
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            return Failure.Validation("build", $"The Docker engine does not answer: {e.Message}");
        }

        // The context goes to a temporary file: a repository may be larger than memory should hold.
        var contextPath = Path.GetTempFileName();
        await using var context = new FileStream(contextPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await WriteContextAsync(context, spec, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failure.Validation("build", $"Reading the source tree failed: {e.Message}");
        }

        context.Position = 0;
        progress.Report($"Building {spec.Tag} from {spec.BaseImage}");
        try
        {
            var error = await engine.BuildImageAsync(
                new ImageBuildParameters
                {
                    Dockerfile = DockerfileName,
                    Tags = [spec.Tag],
                    Labels = spec.Labels.ToDictionary(StringComparer.Ordinal),
                    Remove = true,
                    ForceRemove = true,
                },
                context, progress, cancellationToken);

            if (error is not null)
            {
                logger.LogWarning("Building the release image {Tag} failed: {Error}", spec.Tag, error);
                return Failure.Validation("build", $"Building {spec.Tag} failed: {error}");
            }

            var image = await engine.Images.InspectImageAsync(spec.Tag, cancellationToken);
            progress.Report($"Built {spec.Tag}");
            return image.ID;
        }
        catch (DockerImageNotFoundException)
        {
            return Failure.Validation("build", $"Building {spec.Tag} failed: the image is not there afterwards.");
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            return Failure.Validation("build", $"The Docker engine does not answer: {e.Message}");
        }
        catch (DockerApiException e)
        {
            // The engine refused the build (a bad tag or label, say).
            logger.LogWarning(e, "The engine refused to build the release image {Tag}", spec.Tag);
            return Failure.Validation("build", $"Building {spec.Tag} failed: {e.ResponseBody}");
        }
    }

    /// <summary>Whether <paramref name="engine"/> has the image (a release's image is built once per engine).</summary>
    public async Task<bool> ExistsAsync(IDockerClient engine, string tag, CancellationToken cancellationToken) =>
        await engine.ImageLabelsAsync(tag, cancellationToken) is not null;

    /// <summary>Removes the image; gone already is fine, and so is in use (a container still runs it: the next clean-up retries).</summary>
    public async Task RemoveAsync(IDockerClient engine, string tag, CancellationToken cancellationToken)
    {
        try
        {
            await engine.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = false }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Gone already: that is what was asked.
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            logger.LogDebug("The release image {Tag} is in use; it stays: {Reason}", tag, e.ResponseBody);
        }
    }

    /// <summary>
    /// Writes the build context (a tar): the generated Dockerfile, then the source tree under <c>app/</c>, owned by
    /// root. The tree is an export of a commit: files, folders and symbolic links (git holds nothing else).
    /// </summary>
    private static async Task WriteContextAsync(Stream context, ReleaseImageSpec spec, CancellationToken cancellationToken)
    {
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            var dockerfile = System.Text.Encoding.UTF8.GetBytes($"FROM {spec.BaseImage}\nCOPY {ContextFolder} /app/\n");
            await tar.WriteEntryAsync(Entry(TarEntryType.RegularFile, DockerfileName, DockerfileMode, DateTimeOffset.UtcNow, new MemoryStream(dockerfile)), cancellationToken);

            // The root's own mode is the portal's (an export into a temporary folder may be 0700): the cartridge's user must enter it.
            await tar.WriteEntryAsync(Entry(TarEntryType.Directory, ContextFolder, FolderMode, DateTimeOffset.UtcNow), cancellationToken);
            await WriteFolderAsync(tar, new DirectoryInfo(spec.SourceDirectory), ContextFolder, cancellationToken);
        }
    }

    private static async Task WriteFolderAsync(TarWriter tar, DirectoryInfo folder, string prefix, CancellationToken cancellationToken)
    {
        foreach (var info in folder.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = prefix + info.Name;
            if (info.LinkTarget is { } target)
            {
                // Kept as a link (never followed): where it points is resolved inside the container.
                var link = Entry(TarEntryType.SymbolicLink, name, FolderMode, info.LastWriteTimeUtc);
                link.LinkName = target;
                await tar.WriteEntryAsync(link, cancellationToken);
            }
            else if (info is DirectoryInfo directory)
            {
                await tar.WriteEntryAsync(Entry(TarEntryType.Directory, name + "/", directory.UnixFileMode, directory.LastWriteTimeUtc), cancellationToken);
                await WriteFolderAsync(tar, directory, name + "/", cancellationToken);
            }
            else if (info is FileInfo file)
            {
                await using var data = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await tar.WriteEntryAsync(Entry(TarEntryType.RegularFile, name, file.UnixFileMode, file.LastWriteTimeUtc, data), cancellationToken);
            }
        }
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, UnixFileMode mode, DateTimeOffset modified, Stream? data = null)
    {
        var entry = new PaxTarEntry(type, name)
        {
            Mode = mode,
            Uid = 0,
            Gid = 0,
            UserName = "root",
            GroupName = "root",
            ModificationTime = modified,
        };
        if (data is not null)
        {
            entry.DataStream = data;
        }

        return entry;
    }
}
