using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Infrastructure.Git;

namespace Portal.Tests.Git;

/// <summary><see cref="GitRepositories"/> on real repositories made with the git CLI in a temporary folder.</summary>
public sealed class GitRepositoriesTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static RepositoryLink Link(string url, string branch = "main") => RepositoryLink.Create(url, branch).Value!;

    private static string Only(Failure? failure, string field)
    {
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.Validation, failure.Kind);
        return Assert.Single(Assert.Contains(field, failure.Errors!));
    }

    [Fact]
    public async Task Fetch_returns_the_branch_head_with_its_message_author_and_time()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var id = await workspace.CommitAsync("Add the shop\n\nA first page and its styles.", [("index.php", "<?php echo 'v1';")],
            date: "2024-05-01T12:30:00+02:00");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();

        var started = Stopwatch.GetTimestamp();
        var head = await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation);
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.True(head.Succeeded, head.Failure?.Message);
        Assert.Equal(id, head.Value!.Id);
        Assert.Equal("Add the shop", head.Value.Subject);
        Assert.Equal("Add the shop\n\nA first page and its styles.", head.Value.Message);
        Assert.Equal((GitWorkspace.AuthorName, GitWorkspace.AuthorEmail), (head.Value.AuthorName, head.Value.AuthorEmail));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.FromHours(2)), head.Value.AuthoredAt);
        Assert.Equal(TimeSpan.FromHours(2), head.Value.AuthoredAt.Offset);
        Assert.True(Directory.Exists(Path.Combine(workspace.DataDirectory, "git", application.ToString("N") + ".git")));
        TestContext.Current.TestOutputHelper?.WriteLine($"first fetch (clone) of a one-commit repository: {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_second_push_is_seen_by_the_next_fetch()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var first = await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();
        Assert.Equal(first, (await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation)).Value?.Id);

        var second = await workspace.CommitAsync("v2", "index.php", "v2");
        var started = Stopwatch.GetTimestamp();
        var head = await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var again = await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation);

        Assert.Equal(second, head.Value?.Id);
        Assert.Equal("v2", head.Value?.Subject);
        Assert.Equal(second, again.Value?.Id);
        TestContext.Current.TestOutputHelper?.WriteLine($"fetch of one new commit: {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task An_older_commit_resolves_by_short_id_and_exports_its_own_content()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var first = await workspace.CommitAsync("v1", "index.php", "<?php echo 'v1';");
        await workspace.CommitAsync("v2", [("index.php", "<?php echo 'v2';"), ("new.txt", "only in v2")]);
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();
        Assert.True((await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation)).Succeeded);

        var resolved = await repositories.ResolveAsync(application, first[..8], Cancellation);
        var target = Path.Combine(workspace.Root, "export-v1");
        var export = await repositories.ExportAsync(application, first, target, Cancellation);

        Assert.Equal(first, resolved.Value?.Id);
        Assert.Equal("v1", resolved.Value?.Subject);
        Assert.True(export.Succeeded, export.Failure?.Message);
        Assert.Equal(first, export.Value!.CommitId);
        Assert.Equal("<?php echo 'v1';", await File.ReadAllTextAsync(Path.Combine(target, "index.php"), Cancellation));
        Assert.False(File.Exists(Path.Combine(target, "new.txt")));
        Assert.Equal(1, export.Value.Files);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_export_is_a_plain_tree_with_executable_bits_and_symbolic_links()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        await File.WriteAllTextAsync(Path.Combine(workspace.Work, "start.sh"), "#!/bin/sh\necho up\n", Cancellation);
        File.SetUnixFileMode(Path.Combine(workspace.Work, "start.sh"), (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(workspace.Work, "public", "css"));
        await File.WriteAllTextAsync(Path.Combine(workspace.Work, "public", "css", "site.css"), "body { color: teal; }", Cancellation);
        await File.WriteAllTextAsync(Path.Combine(workspace.Work, "README.md"), "# Shop", Cancellation);
        File.CreateSymbolicLink(Path.Combine(workspace.Work, "styles"), "public/css");
        var commit = await workspace.CommitAllAsync("A tree of every kind");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();
        Assert.True((await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation)).Succeeded);

        var target = Path.Combine(workspace.Root, "export");
        var export = await repositories.ExportAsync(application, commit, target, Cancellation);

        Assert.True(export.Succeeded, export.Failure?.Message);
        Assert.False(Directory.Exists(Path.Combine(target, ".git")));
        Assert.False(File.Exists(Path.Combine(target, ".git")));
        Assert.Equal(
            ["README.md", "public", "public/css", "public/css/site.css", "start.sh", "styles", "styles/site.css"], // the last through the link
            Directory.EnumerateFileSystemEntries(target, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(target, p)).Order(StringComparer.Ordinal));
        Assert.True(File.GetUnixFileMode(Path.Combine(target, "start.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.True(File.GetUnixFileMode(Path.Combine(target, "start.sh")).HasFlag(UnixFileMode.OtherExecute));
        Assert.False(File.GetUnixFileMode(Path.Combine(target, "README.md")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("public/css", new FileInfo(Path.Combine(target, "styles")).LinkTarget);
        Assert.Equal("body { color: teal; }", await File.ReadAllTextAsync(Path.Combine(target, "styles", "site.css"), Cancellation));
        Assert.Equal((3, 2, 1), (export.Value!.Files, export.Value.Directories, export.Value.SymbolicLinks));
        Assert.Empty(export.Value.Skipped);
    }

    [Fact]
    public async Task A_missing_branch_is_a_branch_error_even_when_it_existed_before()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        await workspace.CommitAsync("v1", "index.php", "v1");
        await workspace.CommitAsync("a feature", "feature.txt", "new", branch: "feature/cart");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();

        var missing = await repositories.FetchAsync(application, Link(workspace.Origin, "develop"), Cancellation);
        var feature = await repositories.FetchAsync(application, Link(workspace.Origin, "feature/cart"), Cancellation);
        await workspace.GitAsync("push", "--quiet", "origin", ":refs/heads/feature/cart");
        var deleted = await repositories.FetchAsync(application, Link(workspace.Origin, "feature/cart"), Cancellation);

        Assert.Contains("no branch 'develop'", Only(missing.Failure, RepositoryRules.BranchField), StringComparison.Ordinal);
        Assert.Equal("a feature", feature.Value?.Subject);
        Assert.Contains("no branch 'feature/cart'", Only(deleted.Failure, RepositoryRules.BranchField), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_without_a_repository_is_a_url_error()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var repositories = workspace.Repositories();
        var empty = Directory.CreateDirectory(Path.Combine(workspace.Root, "not-a-repository")).FullName;

        var nowhere = await repositories.FetchAsync(Guid.NewGuid(), Link(Path.Combine(workspace.Root, "nowhere.git")), Cancellation);
        var notGit = await repositories.FetchAsync(Guid.NewGuid(), Link(empty), Cancellation);
        var nowhereUrl = await repositories.FetchAsync(Guid.NewGuid(), Link("file://" + Path.Combine(workspace.Root, "nowhere.git")), Cancellation);

        Assert.Contains("There is no git repository", Only(nowhere.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
        Assert.Contains("There is no git repository", Only(notGit.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
        Assert.Contains("There is no git repository", Only(nowhereUrl.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_url_error()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var repositories = workspace.Repositories();

        // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
        var refused = await repositories.FetchAsync(Guid.NewGuid(), Link("http://127.0.0.1:9/acme/shop.git"), Cancellation);

        Assert.Contains("could not be reached", Only(refused.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_url_works_like_a_path()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var id = await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();

        var head = await repositories.FetchAsync(Guid.NewGuid(), Link(new Uri(workspace.Origin).AbsoluteUri), Cancellation);

        Assert.StartsWith("file:///", new Uri(workspace.Origin).AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(id, head.Value?.Id);
    }

    [Fact]
    public async Task An_unknown_commit_is_a_commit_error()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var id = await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();

        var beforeAnyFetch = await repositories.ResolveAsync(application, id, Cancellation);
        await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation);
        var unknown = await repositories.ResolveAsync(application, "0123456789abcdef0123456789abcdef01234567", Cancellation);
        var notAnId = await repositories.ResolveAsync(application, "main", Cancellation);
        var tree = (await workspace.GitAsync("rev-parse", "HEAD^{tree}")).Trim();
        var notACommit = await repositories.ResolveAsync(application, tree, Cancellation);
        var exportUnknown = await repositories.ExportAsync(application, "0123456789abcdef", Path.Combine(workspace.Root, "x"), Cancellation);

        Assert.Contains($"no commit {id}", Only(beforeAnyFetch.Failure, RepositoryRules.CommitField), StringComparison.Ordinal);
        Assert.Contains("no commit 0123456789abcdef", Only(unknown.Failure, RepositoryRules.CommitField), StringComparison.Ordinal);
        Assert.Contains("hexadecimal digits", Only(notAnId.Failure, RepositoryRules.CommitField), StringComparison.Ordinal);
        Assert.Contains("not a commit", Only(notACommit.Failure, RepositoryRules.CommitField), StringComparison.Ordinal);
        Assert.Contains("no commit", Only(exportUnknown.Failure, RepositoryRules.CommitField), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Root, "x")));
    }

    [Fact]
    public async Task Another_url_starts_a_fresh_cache()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var old = await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();
        await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation);
        var other = Path.Combine(workspace.Root, "other.git");
        await workspace.GitAsync("clone", "--quiet", "--bare", workspace.Origin, other);
        await workspace.GitAsync("remote", "set-url", "origin", other);
        var moved = await workspace.CommitAsync("moved", "index.php", "v2");

        var head = await repositories.FetchAsync(application, Link(other), Cancellation);
        var stale = await repositories.ResolveAsync(application, old, Cancellation);

        Assert.Equal(moved, head.Value?.Id);
        Assert.True(stale.Succeeded); // the old commit is part of the new repository's history too
        await repositories.RemoveAsync(application, Cancellation);
        Assert.False(Directory.Exists(repositories.CacheOf(application)));
        Assert.False((await repositories.ResolveAsync(application, old, Cancellation)).Succeeded);
    }

    [Fact]
    public async Task The_portals_own_data_and_local_paths_when_off_are_refused()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();
        var victim = Guid.NewGuid();
        Assert.True((await repositories.FetchAsync(victim, Link(workspace.Origin), Cancellation)).Succeeded);

        var intoCache = await repositories.FetchAsync(Guid.NewGuid(), Link(repositories.CacheOf(victim)), Cancellation);
        var off = await workspace.Repositories(new GitOptions { AllowLocalRepositories = false })
            .FetchAsync(Guid.NewGuid(), Link(workspace.Origin), Cancellation);

        Assert.Contains("data directory", Only(intoCache.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
        Assert.Contains("does not link repositories on its own host", Only(off.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_on_one_application_run_one_at_a_time_and_all_succeed()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var id = await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();

        var work = Enumerable.Range(0, 12).Select(async i =>
        {
            if (i % 3 == 2)
            {
                var export = await repositories.ExportAsync(application, id, Path.Combine(workspace.Root, $"export-{i}"), Cancellation);
                // An export may run before the first fetch: then the commit is unknown, never a broken cache.
                return export.Succeeded ? export.Value!.CommitId : Only(export.Failure, RepositoryRules.CommitField) is not null ? id : "";
            }

            return (await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation)).Value?.Id;
        });

        Assert.All(await Task.WhenAll(work), result => Assert.Equal(id, result));
    }

    [Fact]
    public async Task A_cancelled_fetch_throws_and_leaves_the_application_usable()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var id = await workspace.CommitAsync("v1", "index.php", "v1");
        var repositories = workspace.Repositories();
        var application = Guid.NewGuid();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => repositories.FetchAsync(application, Link(workspace.Origin), new CancellationToken(canceled: true)));

        Assert.Equal(id, (await repositories.FetchAsync(application, Link(workspace.Origin), Cancellation)).Value?.Id);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_and_keeps_the_application_locked_until_libgit2_stops()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var repositories = workspace.Repositories(new GitOptions { FetchTimeout = TimeSpan.FromSeconds(1) });
        var application = Guid.NewGuid();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/acme/shop.git";

        var started = Stopwatch.GetTimestamp();
        var fetch = repositories.FetchAsync(application, Link(url), Cancellation);
        using var accepted = await silent.AcceptSocketAsync(Cancellation);
        var timedOut = await fetch;
        var elapsed = Stopwatch.GetElapsedTime(started);
        var next = repositories.ResolveAsync(application, "0123456789abcdef", Cancellation);
        await Task.Delay(300, Cancellation);
        var waitedForLibgit2 = !next.IsCompleted;
        accepted.Close();
        var afterwards = await next.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Contains("took longer than 1 s", Only(timedOut.Failure, RepositoryRules.UrlField), StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.True(waitedForLibgit2);
        Assert.Contains("no commit", Only(afterwards.Failure, RepositoryRules.CommitField), StringComparison.Ordinal);
    }
}
