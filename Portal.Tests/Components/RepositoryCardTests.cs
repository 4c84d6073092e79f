using Bunit;
using Portal.Components.Pages.Applications;
using Portal.Core.Git;
using Portal.Core.Releases;
using Portal.Infrastructure.Releases;
using Portal.Tests.Git;
using static Portal.Tests.Components.ReleasesDatabase;

namespace Portal.Tests.Components;

/// <summary>
/// The repository card on the real release service, a real database and real git repositories: the link form's inline
/// rules, linking (checked by fetching), the webhook secret shown once, editing and regenerating the secret.
/// </summary>
public sealed class RepositoryCardTests : ReleasesComponentContext
{
    private GitWorkspace? workspace;
    private WatchedGitSource? source;
    private int linked;

    private GitWorkspace Git => workspace!;

    private WatchedGitSource Source => source!;

    protected override async Task<IGitSource> GitSourceAsync()
    {
        workspace = await GitWorkspace.CreateAsync();
        source = new WatchedGitSource(workspace.Repositories());
        return source;
    }

    private IRenderedComponent<RepositoryCard> RenderCard(string name = Application)
    {
        RenderProviders();
        return Render<RepositoryCard>(p => p
            .Add(c => c.Name, name)
            .Add(c => c.Tenant, Tenant)
            .Add(c => c.OnLinked, () => linked++));
    }

    private static void Fill(IRenderedComponent<RepositoryCard> card, string url, string? branch = null, string? username = null, string? poll = null)
    {
        card.Find("input[data-testid=repository-url]").Change(url);
        if (branch is not null)
        {
            card.Find("input[data-testid=repository-branch]").Change(branch);
        }

        if (username is not null)
        {
            card.Find("input[data-testid=repository-username]").Change(username);
        }

        if (poll is not null)
        {
            card.Find("input[data-testid=repository-poll]").Change(poll);
        }
    }

    private static string ValueOf(IRenderedComponent<RepositoryCard> card, string testId) =>
        card.Find($"input[data-testid={testId}]").GetAttribute("value") ?? "";

    private string StoredSecret(LinkedRepository repository) =>
        RepositorySecrets.UnprotectWebhookSecret(Database.Protection, repository.ProtectedWebhookSecret);

    [Fact]
    public void An_unlinked_application_says_what_linking_does_and_asks_for_the_repository()
    {
        var card = RenderCard();

        Assert.Contains("zero downtime", TextOf(card, "repository-none"), StringComparison.Ordinal);
        Assert.Equal("main", ValueOf(card, "repository-branch"));
        Assert.Equal("password", card.Find("input[data-testid=repository-password]").GetAttribute("type"));
        Assert.Equal("Link and deploy", TextOf(card, "repository-link"));
        Assert.Empty(card.FindAll("[data-testid=webhook-url]"));
        Assert.Empty(card.FindAll("[data-testid=webhook-secret]"));
    }

    [Fact]
    public async Task A_bad_url_branch_user_or_interval_is_reported_under_its_field_without_fetching()
    {
        var card = RenderCard();
        Fill(card, "github.com/acme/shop", branch: "fix..it", poll: "2");

        card.Find("form").Submit();

        Assert.StartsWith("The repository URL is not one this portal understands", ErrorUnder(card, "repository-url"), StringComparison.Ordinal);
        Assert.StartsWith("A branch name does not contain '..'", ErrorUnder(card, "repository-branch"), StringComparison.Ordinal);
        Assert.StartsWith("Poll every 5 seconds at least", ErrorUnder(card, "repository-poll"), StringComparison.Ordinal);

        Fill(card, Git.Origin, branch: "main", username: "ana", poll: "");
        Assert.Equal("", ErrorUnder(card, "repository-url")); // a message goes when its field is edited
        card.Find("form").Submit();

        Assert.Equal("A repository on the portal's host needs no user name or password.", ErrorUnder(card, "repository-username"));
        Assert.Equal("", ErrorUnder(card, "repository-url"));
        Assert.Equal("", ErrorUnder(card, "repository-branch"));
        Assert.Empty(Source.Fetched);
        Assert.Null(await Database.RepositoryAsync());
        Assert.Equal(0, linked);
    }

    [Fact]
    public async Task Linking_a_real_repository_shows_the_webhook_secret_once_then_the_linked_repository()
    {
        await Git.CommitAsync("First page", "index.php", "<?php echo 1;");
        var card = RenderCard();
        Fill(card, Git.Origin, poll: "60");

        card.Find("form").Submit();

        card.WaitForElement("[data-testid=webhook-secret]", Patience);
        var secret = TextOf(card, "webhook-secret");
        Assert.Matches("^[0-9a-f]{64}$", secret);
        var alert = TextOf(card, "webhook-secret-alert");
        Assert.Contains("Copy it now: it is not shown again.", alert, StringComparison.Ordinal);
        Assert.Contains(ReleaseLabels.WebhookHelp, alert, StringComparison.Ordinal);
        Assert.NotNull(card.Find("[data-testid=webhook-secret-copy]"));
        Assert.Equal(Git.Origin, TextOf(card, "repository-linked-url"));
        Assert.Equal("main", TextOf(card, "repository-linked-branch"));
        Assert.Equal("—", TextOf(card, "repository-linked-user"));
        Assert.Equal("none", TextOf(card, "repository-linked-password"));
        Assert.Equal("every 60 s", TextOf(card, "repository-linked-poll"));
        Assert.Equal("http://localhost/hooks/git/acme/web", TextOf(card, "webhook-url"));
        Assert.NotNull(card.Find("[data-testid=webhook-url-copy]"));
        Assert.Empty(card.FindAll("[data-testid=repository-form]"));
        Assert.Equal(1, linked);

        var repository = (await Database.RepositoryAsync())!;
        Assert.Equal(secret, StoredSecret(repository));
        var release = Assert.Single(await Database.ReleasesAsync());
        Assert.Equal((ReleaseState.Queued, Email), (release.State, release.TriggeredBy));

        var later = RenderCard(); // the page opened again: the secret is not shown any more
        Assert.Empty(later.FindAll("[data-testid=webhook-secret]"));
        Assert.Equal("http://localhost/hooks/git/acme/web", TextOf(later, "webhook-url"));
    }

    [Fact]
    public async Task A_failing_link_names_the_field_and_keeps_what_was_typed()
    {
        await Git.CommitAsync("First page", "index.php", "<?php echo 1;");
        var card = RenderCard();
        Fill(card, Git.Origin, branch: "release", poll: "30");

        card.Find("form").Submit();

        card.WaitForAssertion(() => Assert.False(IsDisabled(card.Find("[data-testid=repository-link]"))), Patience); // done
        Assert.Equal("The repository has no branch 'release'.", ErrorUnder(card, "repository-branch"));
        Assert.Equal((Git.Origin, "release", "30"), (ValueOf(card, "repository-url"), ValueOf(card, "repository-branch"), ValueOf(card, "repository-poll")));
        Assert.Equal("", ErrorUnder(card, "repository-url"));
        Assert.Empty(card.FindAll("[data-testid=webhook-secret]"));
        Assert.Empty(card.FindAll("[data-testid=repository-error]"));
        Assert.Null(await Database.RepositoryAsync());
        Assert.Equal(0, linked);
    }

    [Fact]
    public async Task While_the_repository_is_fetched_the_button_is_disabled_and_spins()
    {
        await Git.CommitAsync("First page", "index.php", "<?php echo 1;");
        Source.Hold();
        var card = RenderCard();
        Fill(card, Git.Origin);

        card.Find("form").Submit();

        card.WaitForAssertion(() => Assert.True(IsDisabled(card.Find("[data-testid=repository-link]"))), Patience);
        Assert.NotNull(card.Find("[data-testid=repository-link] .mud-progress-circular"));

        Source.Resume();

        card.WaitForElement("[data-testid=webhook-url]", Patience);
        Assert.Empty(card.FindAll("[data-testid=repository-link]"));
    }

    [Fact]
    public async Task Regenerating_the_secret_asks_first_and_then_shows_the_new_one_once()
    {
        var old = await Database.LinkAsync(Git.Origin);
        var card = RenderCard();

        card.Find("[data-testid=webhook-regenerate]").Click();
        Assert.Contains("Git hosts using the old secret will be refused until you update them.", MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");

        Assert.Empty(card.FindAll("[data-testid=webhook-secret]"));
        Assert.Equal(old, StoredSecret((await Database.RepositoryAsync())!));

        card.Find("[data-testid=webhook-regenerate]").Click();
        Answer("Regenerate");

        card.WaitForElement("[data-testid=webhook-secret]", Patience);
        var secret = TextOf(card, "webhook-secret");
        Assert.NotEqual(old, secret);
        Assert.Equal(secret, StoredSecret((await Database.RepositoryAsync())!));
        Assert.Contains("Copy it now: it is not shown again.", TextOf(card, "webhook-secret-alert"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editing_with_an_empty_password_keeps_the_stored_one_while_the_url_and_user_stay()
    {
        const string Url = "https://git.example.com/acme/shop.git";
        await Database.LinkAsync(Url, username: "ana", password: "s3cret-token");
        Source.Answer = new CommitInfo("5e6f708192a3b4c5d6e7f8091234567890123456", "Shop", "Shop", "Ada", "ada@shop.test", Start);
        var card = RenderCard();
        Assert.Equal(("ana", "set"), (TextOf(card, "repository-linked-user"), TextOf(card, "repository-linked-password")));

        card.Find("[data-testid=repository-edit]").Click();

        Assert.Equal((Url, "main", "ana", ""),
            (ValueOf(card, "repository-url"), ValueOf(card, "repository-branch"), ValueOf(card, "repository-username"), ValueOf(card, "repository-password")));
        Assert.Contains("Leave empty to keep the stored one", card.Find("[data-testid=repository-password]").Closest(".mud-input-control")!.TextContent,
            StringComparison.Ordinal);

        Fill(card, Url, poll: "300");
        card.Find("form").Submit();

        card.WaitForElement("[data-testid=repository-linked]", Patience);
        Assert.Equal("s3cret-token", Assert.Single(Source.Fetched).Password);
        Assert.Equal(("set", "every 300 s"), (TextOf(card, "repository-linked-password"), TextOf(card, "repository-linked-poll")));
        Assert.Empty(card.FindAll("[data-testid=webhook-secret]")); // linking again keeps the secret, shown when it was made
        Assert.Single(await Database.ReleasesAsync());
    }

    [Fact]
    public async Task Changing_the_user_needs_the_password_again()
    {
        const string Url = "https://git.example.com/acme/shop.git";
        await Database.LinkAsync(Url, username: "ana", password: "s3cret-token");
        var card = RenderCard();
        card.Find("[data-testid=repository-edit]").Click();

        Fill(card, Url, username: "bob");
        card.Find("form").Submit();

        Assert.Equal("Give the password or access token of this user (or no user name).", ErrorUnder(card, "repository-password"));
        Assert.Empty(Source.Fetched);

        card.Find("[data-testid=repository-cancel]").Click();

        Assert.Equal("ana", TextOf(card, "repository-linked-user"));
    }

    [Fact]
    public void A_failure_without_a_field_is_shown_in_the_card()
    {
        var card = RenderCard("shop"); // no such application
        Fill(card, Git.Origin);

        card.Find("form").Submit();

        card.WaitForAssertion(() => Assert.Equal("You have no application named 'shop'.", TextOf(card, "repository-error")), Patience);
        Assert.Equal(0, linked);
    }

    protected override void Cleanup()
    {
        base.Cleanup();
        workspace?.Dispose();
    }
}
