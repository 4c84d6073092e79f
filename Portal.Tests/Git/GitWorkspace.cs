using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;
using Portal.Infrastructure.Git;

namespace Portal.Tests.Git;

/// <summary>
/// A temporary folder with a real bare repository (<see cref="Origin"/>, branch main), a working copy that commits and
/// pushes to it with the git CLI, and a portal data directory for <see cref="GitRepositories"/>. Deleted on dispose.
/// </summary>
public sealed class GitWorkspace : IDisposable
{
    public const string AuthorName = "Ada Lovelace";
    public const string AuthorEmail = "ada@shop.test";

    private GitWorkspace(string root)
    {
        Root = root;
        Origin = Path.Combine(root, "origin.git");
        Work = Path.Combine(root, "work");
        DataDirectory = Path.Combine(root, "data");
    }

    public string Root { get; }

    /// <summary>The bare repository the portal fetches from.</summary>
    public string Origin { get; }

    /// <summary>The working copy commits are made in.</summary>
    public string Work { get; }

    public string DataDirectory { get; }

    public static async Task<GitWorkspace> CreateAsync()
    {
        var workspace = new GitWorkspace(Directory.CreateTempSubdirectory("portal-git-").FullName);
        try
        {
            await GitInAsync(workspace.Root, "init", "--quiet", "--bare", "--initial-branch=main", workspace.Origin);
            await GitInAsync(workspace.Root, "init", "--quiet", "--initial-branch=main", workspace.Work);
            await workspace.GitAsync("remote", "add", "origin", workspace.Origin);
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>A <see cref="GitRepositories"/> keeping its caches in this workspace's data directory.</summary>
    public GitRepositories Repositories(GitOptions? options = null) =>
        new(Options.Create(options ?? new GitOptions()), Options.Create(new PortalOptions { DataDirectory = DataDirectory }),
            NullLogger<GitRepositories>.Instance);

    /// <summary>Writes <paramref name="files"/> (path, content), commits everything and pushes to <paramref name="branch"/>; returns the commit id.</summary>
    public async Task<string> CommitAsync(string message, IEnumerable<(string Path, string Content)> files, string branch = "main", string? date = null)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(Work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        return await CommitAllAsync(message, branch, date);
    }

    public Task<string> CommitAsync(string message, string path, string content, string branch = "main") =>
        CommitAsync(message, [(path, content)], branch);

    /// <summary>Commits whatever the working copy holds and pushes it to <paramref name="branch"/>; returns the commit id.</summary>
    public async Task<string> CommitAllAsync(string message, string branch = "main", string? date = null)
    {
        await GitAsync("add", "--all");
        await GitAsync(date is null ? [] : new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date },
            "commit", "--quiet", "--allow-empty", "-m", message);
        await GitAsync("push", "--quiet", "--force", "origin", $"HEAD:refs/heads/{branch}");
        return (await GitAsync("rev-parse", "HEAD")).Trim();
    }

    /// <summary>Runs git in the working copy; returns its output.</summary>
    public Task<string> GitAsync(params string[] arguments) => GitAsync(new Dictionary<string, string>(), arguments);

    private Task<string> GitAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunGitAsync(Work, environment, arguments);

    private static Task<string> GitInAsync(string directory, params string[] arguments) =>
        RunGitAsync(directory, new Dictionary<string, string>(), arguments);

    private static async Task<string> RunGitAsync(string directory, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nobody's own git configuration takes part.
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_AUTHOR_NAME"] = AuthorName;
        start.Environment["GIT_AUTHOR_EMAIL"] = AuthorEmail;
        start.Environment["GIT_COMMITTER_NAME"] = "Portal Tests";
        start.Environment["GIT_COMMITTER_EMAIL"] = "tests@portal.test";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }

        return await output;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
