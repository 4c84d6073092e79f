using Portal.Core.Common;

namespace Portal.Core.Git;

/// <summary>How a repository is reached; decides which transport and which rules apply.</summary>
public enum RepositoryTransport
{
    /// <summary><c>https://</c> or <c>http://</c>; the only transport that takes a user name and password (token).</summary>
    Http,

    /// <summary><c>ssh://</c> or scp-like <c>git@host:path</c>; authenticated by the portal host's own SSH setup.</summary>
    Ssh,

    /// <summary>An absolute path on the portal's host, or a <c>file://</c> URL.</summary>
    Local,
}

/// <summary>
/// The git repository an application is linked to: where it is, which branch is deployed, and the credentials for
/// HTTP(S). Only <see cref="Create"/> makes one, so every instance follows <see cref="RepositoryRules"/>. The password
/// never appears in <see cref="ToString"/>.
/// </summary>
public sealed record RepositoryLink
{
    private RepositoryLink(string url, RepositoryTransport transport, string branch, string? username, string? password)
    {
        Url = url;
        Transport = transport;
        Branch = branch;
        Username = username;
        Password = password;
    }

    /// <summary>The URL or path as given (trimmed); never holds credentials.</summary>
    public string Url { get; }

    public RepositoryTransport Transport { get; }

    /// <summary>The branch name, without <c>refs/heads/</c>.</summary>
    public string Branch { get; }

    public string? Username { get; }

    /// <summary>A password or an access token; secret.</summary>
    public string? Password { get; }

    public bool HasCredentials => Password is not null;

    /// <summary>The full name of the branch's ref: <c>refs/heads/{branch}</c>.</summary>
    public string BranchRef => "refs/heads/" + Branch;

    /// <summary>
    /// A link from what the user typed. An empty branch means <see cref="RepositoryRules.DefaultBranch"/>; empty
    /// credentials mean none. Failures name the field (<c>repository.url</c>, <c>repository.branch</c>, ...).
    /// </summary>
    public static Result<RepositoryLink> Create(string? url, string? branch, string? username = null, string? password = null)
    {
        url = url?.Trim();
        branch = string.IsNullOrWhiteSpace(branch) ? RepositoryRules.DefaultBranch : branch.Trim();
        username = string.IsNullOrWhiteSpace(username) ? null : username.Trim();
        password = string.IsNullOrEmpty(password) ? null : password;

        var errors = RepositoryRules.Validate(url, branch, username, password);
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The repository is not valid.", errors);
        }

        return new RepositoryLink(url!, RepositoryRules.TransportOf(url!)!.Value, branch, username, password);
    }

    /// <summary>What is wrong with these values as a link (the failure <see cref="Create"/> would give), or null.</summary>
    public static Failure? Check(string? url, string? branch, string? username = null, string? password = null) =>
        Create(url, branch, username, password).Failure;

    /// <summary>The same repository and credentials, another branch.</summary>
    public Result<RepositoryLink> WithBranch(string? branch) => Create(Url, branch, Username, Password);

    public override string ToString() =>
        $"{Url} ({Branch}{(Username is null ? "" : ", user " + Username)}{(Password is null ? "" : ", with a password")})";
}
