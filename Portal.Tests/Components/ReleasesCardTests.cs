using Bunit;
using Portal.Components.Pages.Applications;
using Portal.Core.Releases;
using static Portal.Tests.Components.ReleasesDatabase;

namespace Portal.Tests.Components;

/// <summary>
/// The releases card on the real release service and a real database: the list with states, steps, errors and logs,
/// live while a release rolls out, deploying and rolling back (queued only: no release worker runs here).
/// </summary>
public sealed class ReleasesCardTests : ReleasesComponentContext
{
    private const string FirstCommit = "1a2b3c4d5e6f708192a3b4c5d6e7f80912345678";
    private const string SecondCommit = "2b3c4d5e6f708192a3b4c5d6e7f8091234567890";
    private const string ThirdCommit = "3c4d5e6f708192a3b4c5d6e7f809123456789012";
    private const string FourthCommit = "4d5e6f708192a3b4c5d6e7f80912345678901234";

    private int releaseChanges;

    /// <summary>#1 served before, #2 serves, #3 failed its health check, #4 is building.</summary>
    private async Task SeedAsync()
    {
        await Database.AddReleaseAsync(1, FirstCommit, "First page", Succeeded);
        await Database.AddReleaseAsync(2, SecondCommit, "Add the shop", Succeeded, serving: true);
        await Database.AddReleaseAsync(3, ThirdCommit, "Connect the database", FailedHealthCheck);
        await Database.AddReleaseAsync(4, FourthCommit, "Fix the connection", Building);
    }

    private IRenderedComponent<ReleasesCard> RenderCard(bool linked = true)
    {
        RenderProviders();
        return Render<ReleasesCard>(p => p
            .Add(c => c.Name, Application)
            .Add(c => c.Linked, linked)
            .Add(c => c.OnReleaseChanged, () => releaseChanges++));
    }

    private static string StateOf(IRenderedComponent<ReleasesCard> card, int number) =>
        card.Find($"[data-testid=release-state-{number}]").GetAttribute("data-state") ?? "";

    private static List<(string Step, string Progress, string Duration)> StepsOf(IRenderedComponent<ReleasesCard> card, int number) =>
        [.. card.FindAll($"[data-testid=release-steps-{number}] [data-testid=release-step]").Select(row => (
            row.GetAttribute("data-step") ?? "",
            row.GetAttribute("data-progress") ?? "",
            row.QuerySelector("[data-testid=release-step-duration]")!.TextContent.Trim()))];

    [Fact]
    public async Task The_releases_are_listed_newest_first_with_state_commit_author_trigger_and_duration()
    {
        await SeedAsync();

        var card = RenderCard();

        Assert.Equal(["release-row-4", "release-row-3", "release-row-2", "release-row-1"],
            card.FindAll("[data-testid^=release-row-]").Select(r => r.GetAttribute("data-testid")));
        Assert.Equal(["Building", "Failed", "Succeeded", "Succeeded"], new[] { 4, 3, 2, 1 }.Select(n => StateOf(card, n)));
        Assert.NotNull(card.Find("[data-testid=release-state-4] .mud-progress-circular")); // on its way
        Assert.Empty(card.FindAll("[data-testid=release-state-3] .mud-progress-circular"));
        Assert.NotNull(card.Find("[data-testid=release-serving-2]"));
        Assert.Empty(card.FindAll("[data-testid=release-serving-1]"));

        var third = TextOf(card, "release-row-3");
        Assert.Contains("3c4d5e6f7081", third, StringComparison.Ordinal); // the short commit id
        Assert.DoesNotContain(ThirdCommit, third, StringComparison.Ordinal);
        Assert.Contains("Connect the database", third, StringComparison.Ordinal);
        Assert.Contains(GitAuthor, third, StringComparison.Ordinal);
        Assert.Contains(Email, third, StringComparison.Ordinal);
        Assert.Contains("11.0 s", TextOf(card, "release-row-1"), StringComparison.Ordinal); // from its fetch to its end
    }

    [Fact]
    public async Task The_release_on_its_way_shows_its_steps_at_once_with_the_one_running()
    {
        await SeedAsync();

        var card = RenderCard();

        Assert.Equal(
            [("fetch", "Done", "300 ms"), ("build", "Running", "—"), ("start", "Pending", ""), ("health", "Pending", ""), ("switch", "Pending", ""), ("drain", "Pending", "")],
            StepsOf(card, 4));
        Assert.NotNull(card.Find("[data-testid=release-steps-4] [data-step=build] .mud-progress-circular"));
        Assert.Empty(card.FindAll("[data-testid=release-steps-3]")); // the others stay folded
    }

    [Fact]
    public async Task A_failed_release_unfolds_to_its_steps_its_error_and_its_containers_last_lines()
    {
        await SeedAsync();
        var card = RenderCard();

        card.Find("[data-testid=release-expand-3]").Click();

        Assert.Equal(
            [("fetch", "Done", "200 ms"), ("build", "Done", "1.8 s"), ("start", "Done", "1.0 s"), ("health", "Failed", "1 min 00 s"), ("switch", "Pending", ""), ("drain", "Pending", "")],
            StepsOf(card, 3));
        Assert.Equal("The members did not pass their health check within 60 s.", TextOf(card, "release-error-3"));
        var log = card.Find("[data-testid=release-log-3]");
        Assert.Equal("PRE", log.TagName);
        Assert.Equal(
            "PHP Fatal error:  Uncaught Error: Call to undefined function db_connect()\nin /var/www/html/index.php:3", log.TextContent);

        card.Find("[data-testid=release-expand-3]").Click();

        Assert.Empty(card.FindAll("[data-testid=release-steps-3]"));
    }

    [Fact]
    public async Task When_the_last_release_failed_its_steps_and_error_show_at_once()
    {
        await Database.AddReleaseAsync(1, FirstCommit, "First page", Succeeded, serving: true);
        await Database.AddReleaseAsync(2, ThirdCommit, "Connect the database", FailedHealthCheck);

        var card = RenderCard();

        Assert.NotNull(card.Find("[data-testid=release-error-2]"));
        Assert.Empty(card.FindAll("[data-testid=release-steps-1]"));
    }

    [Fact]
    public async Task The_summary_names_the_serving_release_or_says_there_is_none_yet()
    {
        var release = await Database.AddReleaseAsync(1, FirstCommit, "First page", Succeeded, serving: true);

        Assert.Equal("Release #1 · commit 1a2b3c4d5e6f", ReleaseLabels.Serving(ReleaseView.Of(release, release.Id), linked: true));
        Assert.Equal("none yet — link a repository", ReleaseLabels.Serving(null, linked: false));
        Assert.Equal("none yet", ReleaseLabels.Serving(null, linked: true));
    }

    [Fact]
    public async Task Only_a_release_that_succeeded_and_does_not_serve_can_be_rolled_back_to()
    {
        await SeedAsync();

        var card = RenderCard();

        Assert.NotNull(card.Find("[data-testid=release-rollback-1]"));
        Assert.Empty(card.FindAll("[data-testid=release-rollback-2]")); // serving
        Assert.Empty(card.FindAll("[data-testid=release-rollback-3]")); // failed
        Assert.Empty(card.FindAll("[data-testid=release-rollback-4]")); // on its way
    }

    [Fact]
    public async Task Rolling_back_asks_first_then_queues_a_release_of_the_earlier_image()
    {
        await SeedAsync();
        var card = RenderCard();

        card.Find("[data-testid=release-rollback-1]").Click();
        Assert.Contains(
            "Roll back to #1 (commit 1a2b3c4d5e6f)? Its image is started next to the serving members; they switch when it is healthy.",
            MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");

        Assert.Equal(4, (await Database.ReleasesAsync()).Count);
        Assert.Empty(card.FindAll("[data-testid=release-row-5]"));

        card.Find("[data-testid=release-rollback-1]").Click();
        Answer("Roll back");

        card.WaitForElement("[data-testid=release-row-5]", Patience);
        Assert.Equal("Queued", StateOf(card, 5));
        Assert.All(StepsOf(card, 5), step => Assert.Equal("Pending", step.Progress)); // its steps show as they come
        Assert.Contains($"rollback to #1 by {Email}", TextOf(card, "release-row-5"), StringComparison.Ordinal);
        var releases = await Database.ReleasesAsync();
        var rollback = Assert.Single(releases, r => r.Number == 5);
        Assert.Equal((ReleaseTrigger.Rollback, releases[0].Id, releases[0].Image), (rollback.Trigger, rollback.RollbackOf, rollback.Image));
        Assert.Contains("Rollback to #1 is queued as release #5.", Snackbars);
        Assert.Empty(card.FindAll("[data-testid=releases-error]"));
    }

    [Fact]
    public async Task Deploy_now_checks_the_commit_inline_then_queues_that_commit_or_the_branchs_head()
    {
        await Database.LinkAsync("/srv/git/shop.git");
        var card = RenderCard();
        Assert.Equal("No releases yet.", TextOf(card, "releases-none"));

        card.Find("input[data-testid=release-commit]").Change("main~1");
        card.Find("form").Submit();

        Assert.Equal("Give a commit id (4 to 64 hex digits), or nothing for the branch's head.", ErrorUnder(card, "release-commit"));
        Assert.Empty(await Database.ReleasesAsync());

        card.Find("input[data-testid=release-commit]").Change("ABC1234");
        Assert.Equal("", ErrorUnder(card, "release-commit"));
        card.Find("form").Submit();

        card.WaitForElement("[data-testid=release-row-1]", Patience);
        Assert.Equal("Queued", StateOf(card, 1));
        Assert.Equal(6, StepsOf(card, 1).Count);
        Assert.Contains(Email, TextOf(card, "release-row-1"), StringComparison.Ordinal);
        Assert.Equal("", card.Find("input[data-testid=release-commit]").GetAttribute("value") ?? ""); // emptied for the next one

        card.Find("form").Submit(); // nothing typed: the branch's head

        card.WaitForElement("[data-testid=release-row-2]", Patience);
        Assert.Equal([("abc1234", Email), (null, Email)], (await Database.ReleasesAsync()).Select(r => (r.RequestedCommit, r.TriggeredBy)));
        Assert.Contains("Release #2 is queued: the branch's head.", Snackbars);
    }

    [Fact]
    public async Task Without_a_repository_there_is_nothing_to_deploy_and_the_services_refusal_shows_in_the_card()
    {
        var unlinked = RenderCard(linked: false);

        Assert.True(IsDisabled(unlinked.Find("[data-testid=release-deploy]")));
        Assert.NotNull(unlinked.Find("[data-testid=releases-unlinked]"));

        var card = RenderCard(linked: true); // the page thinks it is linked; the service knows better
        card.Find("form").Submit();

        card.WaitForAssertion(() => Assert.Equal("'web' has no repository linked: link one first.", TextOf(card, "releases-error")), Patience);
        Assert.Empty(await Database.ReleasesAsync());
    }

    [Fact]
    public async Task The_list_follows_a_release_on_its_way_and_tells_the_page_when_one_changes_state()
    {
        await SeedAsync();
        var card = RenderCard();
        Assert.Equal(0, releaseChanges);

        await Database.UpdateReleaseAsync(4, r => r.Begin(Release.Start, DateTimeOffset.UtcNow, "2 members"));

        card.WaitForAssertion(() => Assert.Equal("Starting", StateOf(card, 4)), TimeSpan.FromSeconds(2)); // refreshed every second (not 2.5 s)
        Assert.Equal("Done", StepsOf(card, 4).Single(s => s.Step == "build").Progress);
        card.WaitForAssertion(() => Assert.Equal(1, releaseChanges), Patience);
    }
}
