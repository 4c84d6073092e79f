using LibGit2Sharp;
using Portal.Core.Common;
using Portal.Core.Git;

namespace Portal.Infrastructure.Git;

/// <summary>
/// What a failed fetch means to the user. libgit2 reports most transport errors as a plain
/// <see cref="LibGit2SharpException"/> with a message, so the message decides; the password never reaches the result.
/// </summary>
public static class GitFailures
{
    /// <summary>The failure for <paramref name="exception"/>, thrown while fetching <paramref name="link"/>.</summary>
    public static Failure OfFetch(Exception exception, RepositoryLink link)
    {
        var message = Scrub(exception.Message, link);
        bool Says(params string[] parts) => parts.Any(p => message.Contains(p, StringComparison.OrdinalIgnoreCase));

        if (Says("too many redirects or authentication replays", "status code: 401", "authentication required", "authentication failed",
                "invalid credentials"))
        {
            return link.HasCredentials
                ? Failure.Validation(RepositoryRules.PasswordField,
                    "The repository refused these credentials: check repository.username and repository.password (token).")
                : Failure.Validation(RepositoryRules.PasswordField,
                    "The repository needs credentials: give repository.password (an access token) and, if the host needs it, repository.username.");
        }

        if (Says("status code: 403"))
        {
            return Failure.Validation(RepositoryRules.PasswordField,
                link.HasCredentials
                    ? "These credentials may not read this repository (the server answered 403 Forbidden)."
                    : "The server refused access to this repository (403 Forbidden): give credentials that may read it.");
        }

        if (Says("status code: 404", "repository not found", "could not find repository", "failed to resolve path", "not a git repository",
                "does not appear to be a git repository", "unsupported URL protocol"))
        {
            return Failure.Validation(RepositoryRules.UrlField, $"There is no git repository at {link.Url}.");
        }

        if (Says("failed to resolve address"))
        {
            return Failure.Validation(RepositoryRules.UrlField, $"The host of {link.Url} could not be found (DNS).");
        }

        if (Says("failed to connect", "connection refused", "timed out", "network is unreachable", "no route to host", "connection reset"))
        {
            return Failure.Validation(RepositoryRules.UrlField, $"The repository's server could not be reached: {message}");
        }

        if (Says("certificate", "SSL error", "TLS"))
        {
            return Failure.Validation(RepositoryRules.UrlField, $"The TLS certificate of {link.Url} is not trusted: {message}");
        }

        if (link.Transport == RepositoryTransport.Ssh && Says("could not read refs", "permission denied", "host key verification failed", "ssh"))
        {
            return Failure.Validation(RepositoryRules.UrlField,
                $"{link.Url} could not be read over SSH: check the host and path, and that the portal host's SSH key may read it and knows the host's key.");
        }

        return Failure.Validation(RepositoryRules.UrlField, $"The repository could not be fetched: {message}");
    }

    /// <summary>The branch is not in the repository (or was deleted since the last fetch).</summary>
    public static Failure MissingBranch(RepositoryLink link) =>
        Failure.Validation(RepositoryRules.BranchField, $"The repository has no branch '{link.Branch}'.");

    public static Failure TimedOut(RepositoryLink link, TimeSpan timeout) =>
        Failure.Validation(RepositoryRules.UrlField, $"Fetching {link.Url} took longer than {timeout.TotalSeconds:0} s; it was given up.");

    public static Failure UnknownCommit(string commitId) =>
        Failure.Validation(RepositoryRules.CommitField, $"The repository has no commit {commitId} (fetch its branch first).");

    // libgit2 does not echo credentials (they are never part of the URL), but a message must never carry them.
    private static string Scrub(string message, RepositoryLink link) =>
        link.Password is { Length: > 0 } password ? message.Replace(password, "***", StringComparison.Ordinal) : message;
}
