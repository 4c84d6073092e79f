using LibGit2Sharp;
using Portal.Core.Git;
using Portal.Infrastructure.Git;

namespace Portal.Tests.Git;

/// <summary>What libgit2's error messages become for the user (the HTTP cases are also met for real in <see cref="GitOverHttpTests"/>).</summary>
public sealed class GitFailuresTests
{
    private static readonly RepositoryLink Anonymous = RepositoryLink.Create("https://git.example.com/acme/shop.git", "main").Value!;
    private static readonly RepositoryLink WithToken = RepositoryLink.Create("https://git.example.com/acme/shop.git", "main", "bob", "s3cret-token").Value!;
    private static readonly RepositoryLink OverSsh = RepositoryLink.Create("git@git.example.com:acme/shop.git", "main").Value!;

    [Theory]
    [InlineData("too many redirects or authentication replays", true, "refused these credentials")]
    [InlineData("unexpected http status code: 401", true, "refused these credentials")]
    [InlineData("authentication required but no callback set", false, "needs credentials")]
    [InlineData("remote authentication required but no callback set", false, "needs credentials")]
    [InlineData("unexpected http status code: 403", true, "may not read this repository")]
    [InlineData("unexpected http status code: 403", false, "give credentials that may read it")]
    public void Refused_credentials_name_the_password(string libgit2, bool withCredentials, string expected)
    {
        var failure = GitFailures.OfFetch(new LibGit2SharpException(libgit2), withCredentials ? WithToken : Anonymous);

        var message = Assert.Single(failure.Errors![RepositoryRules.PasswordField]);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unexpected http status code: 404", "There is no git repository at https://git.example.com/acme/shop.git")]
    [InlineData("failed to resolve path '/srv/git/nope': No such file or directory", "There is no git repository")]
    [InlineData("could not find repository at '/srv/git'", "There is no git repository")]
    [InlineData("failed to resolve address for git.example.com: Name or service not known", "could not be found (DNS)")]
    [InlineData("failed to connect to 127.0.0.1: Connection refused", "could not be reached: failed to connect")]
    [InlineData("failed to send request: Connection timed out", "could not be reached")]
    [InlineData("the SSL certificate is invalid", "certificate of https://git.example.com/acme/shop.git is not trusted")]
    [InlineData("early EOF", "could not be fetched: early EOF")]
    public void Unreachable_or_missing_repositories_name_the_url(string libgit2, string expected)
    {
        var failure = GitFailures.OfFetch(new LibGit2SharpException(libgit2), Anonymous);

        Assert.Contains(expected, Assert.Single(failure.Errors![RepositoryRules.UrlField]), StringComparison.Ordinal);
    }

    [Fact]
    public void Ssh_failures_point_at_the_hosts_keys()
    {
        var failure = GitFailures.OfFetch(new LibGit2SharpException("could not read refs from remote repository"), OverSsh);

        Assert.Contains("SSH key", Assert.Single(failure.Errors![RepositoryRules.UrlField]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_a_message_is_scrubbed()
    {
        var failure = GitFailures.OfFetch(new LibGit2SharpException("odd reply mentioning s3cret-token"), WithToken);

        Assert.DoesNotContain("s3cret-token", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token", string.Concat(failure.Errors!.Values.SelectMany(m => m)), StringComparison.Ordinal);
    }
}
