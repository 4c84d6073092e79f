using System.Diagnostics;

namespace Portal.E2E.Support;

/// <summary>
/// A real git repository on disk as a developer has it: a bare <see cref="Origin"/> (what the portal is linked to)
/// and a working copy that commits and pushes to it. Deleted when disposed.
/// </summary>
public sealed class GitRepository : IDisposable
{
    private readonly string root;

    private GitRepository(string root)
    {
        this.root = root;
        Origin = Path.Combine(root, "origin.git");
        Work = Path.Combine(root, "work");
    }

    /// <summary>The bare repository's path (the URL to link).</summary>
    public string Origin { get; }

    public string Work { get; }

    public static async Task<GitRepository> CreateAsync()
    {
        var repository = new GitRepository(Directory.CreateTempSubdirectory("portal-e2e-git-").FullName);
        await GitAsync(repository.root, "init", "--quiet", "--bare", "--initial-branch=main", repository.Origin);
        await GitAsync(repository.root, "init", "--quiet", "--initial-branch=main", repository.Work);
        await GitAsync(repository.Work, "remote", "add", "origin", repository.Origin);
        return repository;
    }

    /// <summary>Writes <paramref name="files"/> (path in the repository → content), commits them and pushes main; the commit id.</summary>
    public async Task<string> CommitAsync(string message, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, content) in files)
        {
            var file = Path.Combine(Work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, content);
        }

        await GitAsync(Work, "add", "--all");
        await GitAsync(Work, "-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "--quiet", "-m", message);
        await GitAsync(Work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
        return (await GitAsync(Work, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>Copies the files of <paramref name="directory"/> (and below) into the working copy, commits and pushes them.</summary>
    public Task<string> CommitDirectoryAsync(string message, string directory) => CommitAsync(message,
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllText));

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)}: {await error}");
        return await output;
    }
}
