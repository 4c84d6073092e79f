using System.Text.RegularExpressions;

namespace Portal.Core.Git;

/// <summary>
/// The rules of a repository link and of commit ids, pure. Problems are keyed by field: <c>repository.url</c>,
/// <c>repository.branch</c>, <c>repository.username</c>, <c>repository.password</c>, <c>commit</c>. Messages never
/// repeat the password.
/// </summary>
public static partial class RepositoryRules
{
    public const string UrlField = "repository.url";
    public const string BranchField = "repository.branch";
    public const string UsernameField = "repository.username";
    public const string PasswordField = "repository.password";
    public const string CommitField = "commit";

    /// <summary>The branch deployed when none is given.</summary>
    public const string DefaultBranch = "main";

    // What the stored link holds (LinkedRepository's columns; the password is stored encrypted, about 3x its length).
    public const int MaxUrlLength = 500;
    public const int MaxBranchLength = 200;
    public const int MaxUsernameLength = 200;
    public const int MaxPasswordLength = 800;

    /// <summary>The shortest abbreviated commit id accepted.</summary>
    public const int MinCommitIdLength = 7;

    private const string Accepted =
        "Use https://host/owner/repo.git, ssh://git@host/owner/repo.git, git@host:owner/repo.git, or an absolute path (or file:// URL) on the portal's host.";

    // [user@]host:path, git's scp-like syntax. User and host start with a letter, digit or underscore, so neither can
    // pass as an option to ssh.
    [GeneratedRegex(@"^(?:[A-Za-z0-9_][A-Za-z0-9._~-]*@)?(?:[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):[^\s]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^[0-9a-fA-F]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Hex();

    public static IReadOnlyDictionary<string, string[]> Validate(string? url, string? branch, string? username, string? password)
    {
        var errors = new Dictionary<string, string[]>();
        if (UrlProblem(url) is { } urlProblem)
        {
            errors[UrlField] = [urlProblem];
        }

        if (BranchProblem(branch) is { } branchProblem)
        {
            errors[BranchField] = [branchProblem];
        }

        var transport = url is null ? null : TransportOf(url);
        if (username is not null || password is not null)
        {
            if (transport is RepositoryTransport.Ssh or RepositoryTransport.Local)
            {
                var why = transport == RepositoryTransport.Ssh
                    ? "An ssh repository is reached with the portal host's SSH keys, not a user name and password."
                    : "A repository on the portal's host needs no user name or password.";
                errors[username is not null ? UsernameField : PasswordField] = [why];
            }
            else
            {
                if (username is not null && (username.Length > MaxUsernameLength || username.Any(c => char.IsControl(c) || c == ':')))
                {
                    errors[UsernameField] = [$"The user name has at most {MaxUsernameLength} characters, without ':' or control characters."];
                }

                if (password is null)
                {
                    errors[PasswordField] = ["Give the password or access token of this user (or no user name)."];
                }
                else if (password.Length > MaxPasswordLength || password.Any(char.IsControl))
                {
                    errors[PasswordField] = [$"The password or token has at most {MaxPasswordLength} characters, without line breaks or control characters."];
                }
            }
        }

        return errors;
    }

    /// <summary>The transport of a well-formed URL, or null when it is not one this portal reaches.</summary>
    public static RepositoryTransport? TransportOf(string url)
    {
        if (url.StartsWith('/'))
        {
            return RepositoryTransport.Local;
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal) is var at and > 0 ? url[..at].ToLowerInvariant() : null;
        return scheme switch
        {
            "https" or "http" => RepositoryTransport.Http,
            "ssh" => RepositoryTransport.Ssh,
            "file" => RepositoryTransport.Local,
            null when ScpLike().IsMatch(url) => RepositoryTransport.Ssh,
            _ => null,
        };
    }

    /// <summary>The local directory a <see cref="RepositoryTransport.Local"/> URL names (a path or a file:// URL).</summary>
    public static string LocalPathOf(string url) =>
        url.StartsWith('/') ? url : new Uri(url, UriKind.Absolute).LocalPath;

    /// <summary>Why <paramref name="url"/> is not a repository URL this portal accepts, or null when it is.</summary>
    public static string? UrlProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Give the repository's URL. " + Accepted;
        }

        if (url.Length > MaxUrlLength)
        {
            return $"The repository URL has at most {MaxUrlLength} characters.";
        }

        if (url.Any(char.IsControl))
        {
            return "The repository URL must not contain control characters or line breaks.";
        }

        if (url.StartsWith('/'))
        {
            return url.Split('/').Any(s => s is "." or "..")
                ? "Give the repository's path without '.' or '..' segments."
                : null;
        }

        if (url.Any(char.IsWhiteSpace))
        {
            return "The repository URL must not contain spaces (write them as %20).";
        }

        if (url.Contains("://", StringComparison.Ordinal))
        {
            return SchemeUrlProblem(url);
        }

        return ScpLike().IsMatch(url)
            ? null
            : "The repository URL is not one this portal understands (a relative path is not accepted). " + Accepted;
    }

    private static string? SchemeUrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "The repository URL is not well formed. " + Accepted;
        }

        switch (uri.Scheme)
        {
            case "https" or "http":
                if (string.IsNullOrEmpty(uri.Host))
                {
                    return "The repository URL names no host.";
                }

                if (!string.IsNullOrEmpty(uri.UserInfo))
                {
                    return "Put the user name and password in repository.username and repository.password, not in the URL.";
                }

                if (uri.AbsolutePath.Trim('/').Length == 0)
                {
                    return "The repository URL names no repository: https://host/owner/repo.git.";
                }

                return string.IsNullOrEmpty(uri.Fragment) ? null : "The repository URL must not have a #fragment.";
            case "ssh":
                if (string.IsNullOrEmpty(uri.Host) || !char.IsAsciiLetterOrDigit(uri.Host[0]) && uri.Host[0] != '[')
                {
                    return "The ssh URL names no valid host: ssh://git@host/owner/repo.git.";
                }

                if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
                {
                    return "An ssh repository is reached with the portal host's SSH keys: leave the password out of the URL.";
                }

                if (uri.UserInfo.Length > 0 && !(char.IsAsciiLetterOrDigit(uri.UserInfo[0]) || uri.UserInfo[0] == '_'))
                {
                    return "The ssh URL's user name must start with a letter, digit or underscore.";
                }

                return uri.AbsolutePath.Trim('/').Length == 0 ? "The ssh URL names no repository: ssh://git@host/owner/repo.git." : null;
            case "file":
                return uri.IsUnc || !url.StartsWith("file:///", StringComparison.OrdinalIgnoreCase) || uri.LocalPath.Trim('/').Length == 0
                    ? "A file URL is file:// followed by an absolute path, e.g. file:///srv/git/shop.git."
                    : uri.LocalPath.Split('/').Any(s => s is "." or "..") ? "Give the repository's path without '.' or '..' segments." : null;
            default:
                return $"The {uri.Scheme}:// protocol is not supported. " + Accepted;
        }
    }

    /// <summary>
    /// Why <paramref name="branch"/> is not a branch name git accepts (the rules of <c>git check-ref-format --branch</c>),
    /// or null when it is.
    /// </summary>
    public static string? BranchProblem(string? branch)
    {
        const string Example = " (e.g. main or release/2.1)";
        if (string.IsNullOrEmpty(branch))
        {
            return "Give the branch to deploy" + Example + ".";
        }

        if (branch.Length > MaxBranchLength)
        {
            return $"The branch name has at most {MaxBranchLength} characters.";
        }

        if (branch.StartsWith("refs/", StringComparison.Ordinal))
        {
            return "Give the branch's name" + Example + ", not a ref such as refs/heads/main.";
        }

        if (branch.Any(c => c <= ' ' || c == '\x7f' || c is '~' or '^' or ':' or '?' or '*' or '[' or '\\'))
        {
            return "A branch name has no spaces, control characters or any of ~ ^ : ? * [ \\" + Example + ".";
        }

        if (branch.Contains("..", StringComparison.Ordinal) || branch.Contains("@{", StringComparison.Ordinal))
        {
            return "A branch name does not contain '..' or '@{'" + Example + ".";
        }

        if (branch is "@" or "HEAD" || branch.StartsWith('-'))
        {
            return "A branch cannot be called '@' or 'HEAD', or start with '-'" + Example + ".";
        }

        if (branch.StartsWith('/') || branch.EndsWith('/') || branch.Contains("//", StringComparison.Ordinal) || branch.EndsWith('.'))
        {
            return "A branch name does not start or end with '/', has no '//' and does not end with '.'" + Example + ".";
        }

        return branch.Split('/').Any(part => part.StartsWith('.') || part.EndsWith(".lock", StringComparison.Ordinal))
            ? "No part of a branch name starts with '.' or ends with '.lock'" + Example + "."
            : null;
    }

    /// <summary>
    /// Why <paramref name="commit"/> is not a commit id (7 to 64 hex digits: a full id or an abbreviation), or null.
    /// </summary>
    public static string? CommitProblem(string? commit) =>
        string.IsNullOrEmpty(commit) || commit.Length < MinCommitIdLength || commit.Length > 64 || !Hex().IsMatch(commit)
            ? $"Give a commit id: {MinCommitIdLength} to 64 hexadecimal digits (the full id or its beginning)."
            : null;
}
