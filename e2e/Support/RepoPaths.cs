namespace Portal.E2E.Support;

/// <summary>Where the repository is, and where the end-to-end tests leave their screenshots and logs.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding Portal.sln (or Portal.slnx), found by walking up from the test binaries.</summary>
    public static string Root => RootPath.Value;

    /// <summary><c>&lt;repo&gt;/TestResults/e2e</c>: screenshots (one folder per test) and the portal's log.</summary>
    public static string ResultsDirectory => Path.Combine(Root, "TestResults", "e2e");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portal.sln"))
                || File.Exists(Path.Combine(directory.FullName, "Portal.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Found no Portal.sln in {AppContext.BaseDirectory} or any folder above it.");
    }
}
