using Portal.Core.Git;

namespace Portal.Tests.Git;

/// <summary>Fetching over smart HTTP with Basic credentials, from <c>git http-backend</c> behind a small Kestrel server.</summary>
public sealed class GitOverHttpTests
{
    private const string User = "bob";
    private const string Token = "s3cret-token-42";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static RepositoryLink Link(Uri url, string? username, string? password) =>
        RepositoryLink.Create(url.AbsoluteUri, "main", username, password).Value!;

    [Fact]
    public async Task Right_credentials_fetch_wrong_or_missing_ones_name_the_password()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var id = await workspace.CommitAsync("v1", "index.php", "v1");
        await using var server = await GitHttpServer.StartAsync(workspace.Root, User, Token);
        var repositories = workspace.Repositories();
        var url = new Uri(server.Address, "origin.git");

        var right = await repositories.FetchAsync(Guid.NewGuid(), Link(url, User, Token), Cancellation);
        var wrong = await repositories.FetchAsync(Guid.NewGuid(), Link(url, User, "not-the-token"), Cancellation);
        var none = await repositories.FetchAsync(Guid.NewGuid(), Link(url, null, null), Cancellation);
        var missing = await repositories.FetchAsync(Guid.NewGuid(), Link(new Uri(server.Address, "nope.git"), User, Token), Cancellation);

        Assert.True(right.Succeeded, right.Failure?.Message);
        Assert.Equal(id, right.Value!.Id);
        var refused = Assert.Single(wrong.Failure!.Errors![RepositoryRules.PasswordField]);
        Assert.Contains("refused these credentials", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", refused, StringComparison.Ordinal);
        Assert.Contains("needs credentials", Assert.Single(none.Failure!.Errors![RepositoryRules.PasswordField]), StringComparison.Ordinal);
        Assert.Contains("no git repository", Assert.Single(missing.Failure!.Errors![RepositoryRules.UrlField]), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine($"wrong: {refused}\nnone: {none.Failure.Message}\nmissing: {missing.Failure.Message}");
        TestContext.Current.TestOutputHelper?.WriteLine($"libgit2 says, wrong: {RawError(url, "not-the-token")}; none: {RawError(url, null)}");
    }

    private static string RawError(Uri url, string? password)
    {
        try
        {
            _ = LibGit2Sharp.Repository.ListRemoteReferences(url.AbsoluteUri,
                password is null ? null : (_, _, _) => new LibGit2Sharp.UsernamePasswordCredentials { Username = User, Password = password }).ToList();
            return "no error";
        }
        catch (LibGit2Sharp.LibGit2SharpException e)
        {
            return e.Message;
        }
    }
}
