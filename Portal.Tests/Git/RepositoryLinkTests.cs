using Portal.Core.Git;

namespace Portal.Tests.Git;

/// <summary>The pure rules of a repository link: URL, branch, credentials, commit ids.</summary>
public sealed class RepositoryLinkTests
{
    [Theory]
    [InlineData("https://github.com/acme/shop.git", RepositoryTransport.Http)]
    [InlineData("http://gitea.internal:3000/acme/shop", RepositoryTransport.Http)]
    [InlineData("HTTPS://GitHub.com/acme/shop.git", RepositoryTransport.Http)]
    [InlineData("ssh://git@github.com/acme/shop.git", RepositoryTransport.Ssh)]
    [InlineData("ssh://git@gitlab.example.com:2222/group/sub/shop.git", RepositoryTransport.Ssh)]
    [InlineData("git@github.com:acme/shop.git", RepositoryTransport.Ssh)]
    [InlineData("deploy@10.0.0.5:/srv/git/shop.git", RepositoryTransport.Ssh)]
    [InlineData("/srv/git/shop.git", RepositoryTransport.Local)]
    [InlineData("/srv/git/my shop", RepositoryTransport.Local)]
    [InlineData("file:///srv/git/shop.git", RepositoryTransport.Local)]
    public void Accepted_urls_and_their_transport(string url, RepositoryTransport transport)
    {
        var link = RepositoryLink.Create(url, "main");

        Assert.True(link.Succeeded, link.Failure?.Errors?.Values.SelectMany(m => m).FirstOrDefault());
        Assert.Equal(transport, link.Value!.Transport);
        Assert.Equal(url, link.Value.Url);
    }

    [Theory]
    [InlineData(null, "Give the repository's URL")]
    [InlineData("  ", "Give the repository's URL")]
    [InlineData("shop.git", "relative path")]
    [InlineData("./shop", "relative path")]
    [InlineData("git://github.com/acme/shop.git", "git:// protocol is not supported")]
    [InlineData("ftp://example.com/shop.git", "ftp:// protocol is not supported")]
    [InlineData("https://bob:s3cret@github.com/acme/shop.git", "repository.username and repository.password, not in the URL")]
    [InlineData("https://token@github.com/acme/shop.git", "not in the URL")]
    [InlineData("https://github.com/", "names no repository")]
    [InlineData("https://github.com/acme/shop.git#main", "#fragment")]
    [InlineData("https://github.com/acme/my shop.git", "spaces")]
    [InlineData("ssh://git:pw@github.com/acme/shop.git", "leave the password out")]
    [InlineData("ssh://-oProxyCommand=touch%20x@github.com/acme/shop.git", "user name must start")]
    [InlineData("ssh://github.com/", "names no repository")]
    [InlineData("-oProxyCommand=x@host:repo", "relative path")]
    [InlineData("file://server/share/shop.git", "file:// followed by an absolute path")]
    [InlineData("/srv/git/../secrets", "'..'")]
    [InlineData("/srv/git/shop\n.git", "control characters")]
    public void Rejected_urls_say_why_under_repository_url(string? url, string reason)
    {
        var link = RepositoryLink.Create(url, "main");

        Assert.False(link.Succeeded);
        var message = Assert.Single(link.Failure!.Errors![RepositoryRules.UrlField]);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_are_bounded() =>
        Assert.Contains("at most 500", RepositoryRules.UrlProblem("https://github.com/" + new string('a', 500)), StringComparison.Ordinal);

    [Theory]
    [InlineData("main")]
    [InlineData("release/2.1")]
    [InlineData("feature/JIRA-12_new-cart")]
    [InlineData("v1.0")]
    [InlineData("user@host")]
    [InlineData("é-branch")]
    public void Valid_branch_names_pass(string branch) => Assert.Null(RepositoryRules.BranchProblem(branch));

    [Theory]
    [InlineData("my branch", "no spaces")]
    [InlineData("a..b", "'..'")]
    [InlineData("fix~1", "~ ^ :")]
    [InlineData("fix^", "~ ^ :")]
    [InlineData("a:b", "~ ^ :")]
    [InlineData("what?", "~ ^ :")]
    [InlineData("wild*", "~ ^ :")]
    [InlineData("set[1]", "~ ^ :")]
    [InlineData("back\\slash", "~ ^ :")]
    [InlineData("tab\tbed", "control characters")]
    [InlineData("release/", "end with '/'")]
    [InlineData("/release", "start or end with '/'")]
    [InlineData("a//b", "'//'")]
    [InlineData("ends.", "end with '.'")]
    [InlineData("main.lock", "'.lock'")]
    [InlineData("feature/x.lock/y", "'.lock'")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("feature/.hidden", "starts with '.'")]
    [InlineData("at@{1}", "'@{'")]
    [InlineData("@", "'@'")]
    [InlineData("HEAD", "'HEAD'")]
    [InlineData("-rf", "start with '-'")]
    [InlineData("refs/heads/main", "not a ref")]
    public void Invalid_branch_names_say_why_under_repository_branch(string branch, string reason)
    {
        var link = RepositoryLink.Create("https://github.com/acme/shop.git", branch);

        Assert.False(link.Succeeded);
        var message = Assert.Single(link.Failure!.Errors![RepositoryRules.BranchField]);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Branch_names_are_bounded_and_default_to_main()
    {
        Assert.Contains("at most 200", RepositoryRules.BranchProblem(new string('b', 201)), StringComparison.Ordinal);
        Assert.Equal("main", RepositoryLink.Create("https://github.com/acme/shop.git", null).Value!.Branch);
        Assert.Equal("main", RepositoryLink.Create("https://github.com/acme/shop.git", "  ").Value!.Branch);
        Assert.Equal("refs/heads/release/2.1", RepositoryLink.Create("https://github.com/acme/shop.git", " release/2.1 ").Value!.BranchRef);
    }

    [Fact]
    public void Https_takes_a_token_alone_or_a_user_with_a_password()
    {
        var token = RepositoryLink.Create("https://github.com/acme/shop.git", "main", null, "ghp_token");
        var user = RepositoryLink.Create("https://github.com/acme/shop.git", "main", "bob", "s3cret");

        Assert.True(token.Succeeded);
        Assert.True(token.Value!.HasCredentials);
        Assert.Null(token.Value.Username);
        Assert.Equal(("bob", "s3cret"), (user.Value!.Username, user.Value.Password));
        Assert.False(RepositoryLink.Create("https://github.com/acme/shop.git", "main", "", "").Value!.HasCredentials);
    }

    [Theory]
    [InlineData("https://github.com/acme/shop.git", "bob", null, RepositoryRules.PasswordField, "Give the password or access token")]
    [InlineData("https://github.com/acme/shop.git", "bo:b", "pw", RepositoryRules.UsernameField, "without ':'")]
    [InlineData("https://github.com/acme/shop.git", null, "pw\nX-Injected: 1", RepositoryRules.PasswordField, "without line breaks")]
    [InlineData("git@github.com:acme/shop.git", "bob", "pw", RepositoryRules.UsernameField, "SSH keys")]
    [InlineData("ssh://git@github.com/acme/shop.git", null, "pw", RepositoryRules.PasswordField, "SSH keys")]
    [InlineData("/srv/git/shop.git", null, "pw", RepositoryRules.PasswordField, "needs no user name or password")]
    public void Credentials_are_for_http_only_and_complete(string url, string? username, string? password, string field, string reason)
    {
        var link = RepositoryLink.Create(url, "main", username, password);

        Assert.False(link.Succeeded);
        var message = Assert.Single(link.Failure!.Errors![field]);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_never_shows_in_text()
    {
        var link = RepositoryLink.Create("https://github.com/acme/shop.git", "main", "bob", "s3cret-token").Value!;

        Assert.DoesNotContain("s3cret", link.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", $"{link}", StringComparison.Ordinal);
        Assert.Contains("bob", link.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var link = RepositoryLink.Create("ftp://x/y", "a..b", "bob", null);

        Assert.Equal(
            [RepositoryRules.BranchField, RepositoryRules.PasswordField, RepositoryRules.UrlField],
            link.Failure!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("3f2a9c1", null)]
    [InlineData("3F2A9C1D", null)]
    [InlineData("3f2a9c1d0b7e4a5f6c8d9e0a1b2c3d4e5f6a7b8c", null)]
    [InlineData("3f2a9c", "7 to 64 hexadecimal digits")]
    [InlineData("main", "7 to 64 hexadecimal digits")]
    [InlineData("HEAD~1xx", "7 to 64 hexadecimal digits")]
    [InlineData("", "7 to 64 hexadecimal digits")]
    [InlineData(null, "7 to 64 hexadecimal digits")]
    public void Commit_ids_are_hex_full_or_abbreviated(string? commit, string? reason)
    {
        var problem = RepositoryRules.CommitProblem(commit);
        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem, StringComparison.Ordinal);
        }
    }
}
