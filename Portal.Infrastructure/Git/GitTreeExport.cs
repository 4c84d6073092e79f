using LibGit2Sharp;
using Portal.Core.Git;

namespace Portal.Infrastructure.Git;

/// <summary>
/// Writes a commit's tree as a plain directory (what a release image copies): files with mode 0644 or 0755 as git
/// records them, symbolic links as links (their target as committed), no <c>.git</c>. Submodules are left out, and so is
/// any entry whose name could escape the directory; both are noted in <see cref="GitExport.Skipped"/>.
/// </summary>
internal static class GitTreeExport
{
    private const UnixFileMode Regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Regular | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes <paramref name="commit"/>'s tree into <paramref name="target"/> (new or empty). When it fails or is
    /// cancelled, a directory it created is removed again; one that existed is emptied.
    /// </summary>
    public static GitExport Write(Commit commit, string target, CancellationToken cancellationToken)
    {
        var created = !Directory.Exists(target);
        Directory.CreateDirectory(target);
        var export = new Counter();
        try
        {
            WriteTree(commit.Tree, target, "", export, cancellationToken);
        }
        catch
        {
            Clear(target, created);
            throw;
        }

        return new GitExport(commit.Sha, export.Files, export.Directories, export.SymbolicLinks, export.Bytes, export.Skipped);
    }

    private static void WriteTree(Tree tree, string directory, string relative, Counter export, CancellationToken cancellationToken)
    {
        foreach (var entry in tree)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = entry.Name;
            var shown = relative + name;
            if (name is "" or "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                export.Skipped.Add($"{shown}: not a safe file name");
                continue;
            }

            if (string.Equals(name, ".git", StringComparison.OrdinalIgnoreCase))
            {
                export.Skipped.Add($"{shown}: a committed .git is never exported");
                continue;
            }

            var path = Path.Combine(directory, name);
            switch (entry.Mode)
            {
                case Mode.Directory:
                    Directory.CreateDirectory(path);
                    export.Directories++;
                    WriteTree((Tree)entry.Target, path, shown + "/", export, cancellationToken);
                    break;
                case Mode.NonExecutableFile or Mode.NonExecutableGroupWritableFile or Mode.ExecutableFile:
                    var blob = (Blob)entry.Target;
                    using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    using (var content = blob.GetContentStream())
                    {
                        content.CopyTo(file);
                    }

                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, entry.Mode == Mode.ExecutableFile ? Executable : Regular);
                    }

                    export.Files++;
                    export.Bytes += blob.Size;
                    break;
                case Mode.SymbolicLink:
                    var linkTarget = ((Blob)entry.Target).GetContentText();
                    if (linkTarget.Length == 0 || linkTarget.Contains('\0', StringComparison.Ordinal))
                    {
                        export.Skipped.Add($"{shown}: a symbolic link without a usable target");
                        continue;
                    }

                    File.CreateSymbolicLink(path, linkTarget);
                    export.SymbolicLinks++;
                    break;
                case Mode.GitLink:
                    export.Skipped.Add($"{shown}: a submodule (commit {entry.Target.Sha[..12]}); submodules are not exported");
                    break;
                default:
                    export.Skipped.Add($"{shown}: an entry of mode {entry.Mode}");
                    break;
            }
        }
    }

    private static void Clear(string target, bool created)
    {
        if (created)
        {
            Directory.Delete(target, recursive: true);
            return;
        }

        foreach (var entry in new DirectoryInfo(target).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo { LinkTarget: null } directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    private sealed class Counter
    {
        public int Files { get; set; }

        public int Directories { get; set; }

        public int SymbolicLinks { get; set; }

        public long Bytes { get; set; }

        public List<string> Skipped { get; } = [];
    }
}
