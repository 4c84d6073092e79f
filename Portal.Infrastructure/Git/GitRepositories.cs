using System.Collections.Concurrent;
using System.Diagnostics;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Git;

namespace Portal.Infrastructure.Git;

/// <summary>
/// Each application's repository, cached as a bare repository at <c>{cache}/{application id}.git</c> with one remote,
/// <c>origin</c>, and one tracking ref per fetched branch. LibGit2Sharp's blocking calls run on the thread pool, one at a
/// time per application; a fetch gives up after <see cref="GitOptions.FetchTimeout"/>. Credentials go to libgit2's
/// credentials callback only; they are never logged or put in a message.
/// </summary>
public sealed class GitRepositories(IOptions<GitOptions> options, IOptions<PortalOptions> portal, ILogger<GitRepositories> logger) : IGitSource
{
    private const string Remote = "origin";

    /// <summary>The user name sent with a token given without one (GitHub's convention; GitLab and Gitea accept any).</summary>
    public const string TokenUser = "x-access-token";

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> gates = new();

    /// <summary>The folder holding every application's cache.</summary>
    public string CacheRoot => string.IsNullOrWhiteSpace(options.Value.CacheDirectory)
        ? Path.Combine(portal.Value.DataDirectoryFullPath, "git")
        : Path.GetFullPath(options.Value.CacheDirectory);

    public string CacheOf(Guid applicationId) => Path.Combine(CacheRoot, applicationId.ToString("N") + ".git");

    public async Task<Result<CommitInfo>> FetchAsync(Guid applicationId, RepositoryLink link, CancellationToken cancellationToken)
    {
        if (LocalRepositoryProblem(link) is { } problem)
        {
            return problem;
        }

        var timeout = options.Value.FetchTimeout;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await RunExclusiveAsync(applicationId, token => Fetch(CacheOf(applicationId), link, token), timeout, cancellationToken);
            if (result.Value is { } head)
            {
                logger.LogInformation("Fetched {Branch} of {Url} for application {ApplicationId}: {Commit} in {Elapsed:0} ms",
                    link.Branch, link.Url, applicationId, head.ShortId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                logger.LogInformation("Fetching {Branch} of {Url} for application {ApplicationId} failed: {Reason}",
                    link.Branch, link.Url, applicationId, result.Failure?.Message);
            }

            return result;
        }
        catch (Exception e) when (e is TimeoutException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Fetching {Branch} of {Url} for application {ApplicationId} took longer than {Timeout}; given up",
                link.Branch, link.Url, applicationId, timeout);
            return GitFailures.TimedOut(link, timeout);
        }
    }

    public Task<Result<CommitInfo>> ResolveAsync(Guid applicationId, string commitId, CancellationToken cancellationToken) =>
        RunExclusiveAsync(applicationId, Result<CommitInfo> (_) =>
        {
            using var repository = OpenExisting(applicationId);
            if (repository is null)
            {
                return GitFailures.UnknownCommit(commitId);
            }

            var commit = Resolve(repository, commitId);
            return commit.Value is { } found ? InfoOf(found) : commit.Failure!;
        }, timeout: null, cancellationToken);

    public Task<Result<GitExport>> ExportAsync(Guid applicationId, string commitId, string targetDirectory, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(targetDirectory);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new ArgumentException($"Export into a new or empty directory; {target} has files.", nameof(targetDirectory));
        }

        return RunExclusiveAsync(applicationId, Result<GitExport> (token) =>
        {
            using var repository = OpenExisting(applicationId);
            if (repository is null)
            {
                return GitFailures.UnknownCommit(commitId);
            }

            var commit = Resolve(repository, commitId);
            if (commit.Value is not { } found)
            {
                return commit.Failure!;
            }

            var started = Stopwatch.GetTimestamp();
            var export = GitTreeExport.Write(found, target, token);
            logger.LogInformation(
                "Exported {Commit} of application {ApplicationId}: {Files} files, {Bytes} bytes, {Skipped} skipped, in {Elapsed:0} ms",
                found.Sha[..12], applicationId, export.Files, export.Bytes, export.Skipped.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return export;
        }, timeout: null, cancellationToken);
    }

    public Task RemoveAsync(Guid applicationId, CancellationToken cancellationToken) =>
        RunExclusiveAsync(applicationId, _ =>
        {
            var cache = CacheOf(applicationId);
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
                logger.LogInformation("Removed the repository cache of application {ApplicationId}", applicationId);
            }

            return true;
        }, timeout: null, cancellationToken);

    private Failure? LocalRepositoryProblem(RepositoryLink link)
    {
        if (link.Transport != RepositoryTransport.Local)
        {
            return null;
        }

        if (!options.Value.AllowLocalRepositories)
        {
            return Failure.Validation(RepositoryRules.UrlField, "This portal does not link repositories on its own host; use an https or ssh URL.");
        }

        var path = Path.GetFullPath(RepositoryRules.LocalPathOf(link.Url));
        if (IsWithin(path, portal.Value.DataDirectoryFullPath) || IsWithin(path, CacheRoot))
        {
            return Failure.Validation(RepositoryRules.UrlField, "The portal's own data directory cannot be linked as a repository.");
        }

        return Directory.Exists(path) ? null : Failure.Validation(RepositoryRules.UrlField, $"There is no git repository at {path}.");
    }

    private static bool IsWithin(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path);
        return relative == "." || !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }

    private static Result<CommitInfo> Fetch(string cache, RepositoryLink link, CancellationToken cancellationToken)
    {
        using var repository = OpenForFetch(cache, link.Url);
        var tracking = $"refs/remotes/{Remote}/{link.Branch}";
        var fetchOptions = new FetchOptions
        {
            // Only the branch, no tags; Prune drops the tracking ref when the branch is gone from the remote.
            TagFetchMode = TagFetchMode.None,
            Prune = true,
            OnProgress = _ => !cancellationToken.IsCancellationRequested,
            OnTransferProgress = _ => !cancellationToken.IsCancellationRequested,
            OnUpdateTips = (_, _, _) => !cancellationToken.IsCancellationRequested,
        };
        if (link.Transport == RepositoryTransport.Http && link.HasCredentials)
        {
            fetchOptions.CredentialsProvider = (_, _, _) => new UsernamePasswordCredentials { Username = link.Username ?? TokenUser, Password = link.Password };
        }

        try
        {
            Commands.Fetch(repository, Remote, [$"+{link.BranchRef}:{tracking}"], fetchOptions, logMessage: null);
        }
        catch (LibGit2SharpException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return GitFailures.OfFetch(e, link);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return repository.Refs[tracking]?.ResolveToDirectReference()?.Target is Commit head ? InfoOf(head) : GitFailures.MissingBranch(link);
    }

    /// <summary>The cache for <paramref name="url"/>: created when missing or broken, started afresh when the URL changed.</summary>
    private static Repository OpenForFetch(string cache, string url)
    {
        if (Directory.Exists(cache) && !Repository.IsValid(cache))
        {
            Directory.Delete(cache, recursive: true);
        }

        if (!Directory.Exists(cache))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            Repository.Init(cache, isBare: true);
        }

        var repository = new Repository(cache);
        var remote = repository.Network.Remotes[Remote];
        if (remote is null)
        {
            repository.Network.Remotes.Add(Remote, url);
            return repository;
        }

        if (remote.Url == url)
        {
            return repository;
        }

        // Another repository: its history has nothing to do with the cached one.
        repository.Dispose();
        Directory.Delete(cache, recursive: true);
        return OpenForFetch(cache, url);
    }

    private Repository? OpenExisting(Guid applicationId)
    {
        var cache = CacheOf(applicationId);
        return Repository.IsValid(cache) ? new Repository(cache) : null;
    }

    private static Result<Commit> Resolve(Repository repository, string commitId)
    {
        if (RepositoryRules.CommitProblem(commitId) is { } problem)
        {
            return Failure.Validation(RepositoryRules.CommitField, problem);
        }

        GitObject? found;
        try
        {
            found = repository.Lookup(commitId);
        }
        catch (AmbiguousSpecificationException)
        {
            return Failure.Validation(RepositoryRules.CommitField, $"{commitId} matches more than one commit; give more of its digits.");
        }

        // A short id could name something else through revparse; only an object whose id starts with it counts.
        return found is Commit commit && commit.Sha.StartsWith(commitId, StringComparison.OrdinalIgnoreCase)
            ? commit
            : found is null or Commit ? GitFailures.UnknownCommit(commitId)
            : Failure.Validation(RepositoryRules.CommitField, $"{commitId} is a {found.GetType().Name.ToLowerInvariant()}, not a commit.");
    }

    private static CommitInfo InfoOf(Commit commit) =>
        new(commit.Sha, commit.MessageShort, commit.Message.TrimEnd('\n'), commit.Author.Name, commit.Author.Email, commit.Author.When);

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool once no other work of the application runs. The caller stops
    /// waiting when cancelled or after <paramref name="timeout"/>; the application stays locked until the work really
    /// ends (libgit2 notices cancellation at its next progress callback), so two operations never share a cache.
    /// </summary>
    private async Task<T> RunExclusiveAsync<T>(Guid applicationId, Func<CancellationToken, T> work, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var gate = gates.GetOrAdd(applicationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<T> task;
        try
        {
            if (timeout is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var token = stop.Token;
            task = Task.Run(() => work(token), CancellationToken.None);
        }
        catch
        {
            stop.Dispose();
            gate.Release();
            throw;
        }

        _ = task.ContinueWith(finished =>
        {
            _ = finished.Exception; // observed here when the caller stopped waiting
            stop.Dispose();
            gate.Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        return timeout is { } wait ? await task.WaitAsync(wait, cancellationToken) : await task.WaitAsync(cancellationToken);
    }
}
