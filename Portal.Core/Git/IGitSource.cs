using Portal.Core.Common;

namespace Portal.Core.Git;

/// <summary>
/// The port for application source code in git (Infrastructure: <c>GitRepositories</c>, LibGit2Sharp). Each application
/// has its own cache of its repository; operations on one application run one at a time. Failures a user can fix come
/// back as a <see cref="Failure"/> naming the field (<see cref="RepositoryRules.UrlField"/>, ...); cancellation throws.
/// </summary>
public interface IGitSource
{
    /// <summary>Fetches <paramref name="link"/>'s branch into the application's cache and returns the branch's head.</summary>
    Task<Result<CommitInfo>> FetchAsync(Guid applicationId, RepositoryLink link, CancellationToken cancellationToken);

    /// <summary>A commit already fetched into the application's cache, by full or abbreviated id.</summary>
    Task<Result<CommitInfo>> ResolveAsync(Guid applicationId, string commitId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the tree of <paramref name="commitId"/> into <paramref name="targetDirectory"/> (which must not exist or
    /// be empty): plain files with their executable bit, symbolic links as links, no <c>.git</c>.
    /// </summary>
    Task<Result<GitExport>> ExportAsync(Guid applicationId, string commitId, string targetDirectory, CancellationToken cancellationToken);

    /// <summary>Deletes the application's cache (the application is gone, or its repository changed).</summary>
    Task RemoveAsync(Guid applicationId, CancellationToken cancellationToken);
}
