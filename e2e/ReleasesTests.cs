using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// A tenant deploys a PHP application from a real local git repository in the browser: links it, watches the first
/// release go live, a signed push webhook brings the next commit, and one click rolls back to the first.
/// </summary>
public sealed class ReleasesTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Deployed = new() { Timeout = 120_000 };
    private GitRepository? repository;

    public override async ValueTask DisposeAsync()
    {
        repository?.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_tenant_links_a_repository_a_signed_push_deploys_the_next_commit_and_a_click_rolls_it_back()
    {
        using var docker = await DockerEngine.RequireAsync();
        var admin = await NewPageAsync();
        await admin.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");
        await admin.EnsureBuiltInImagesAsync();

        repository = await GitRepository.CreateAsync();
        var origin = repository.Origin;
        await CommitAsync(repository, "First version", "<?php echo 'Hello from the first version';");

        var page = await NewPageAsync();
        var slug = Unique.Slug("deploy");
        await page.SignUpAsync(Unique.Email("dev"), slug);
        await page.GotoAsync("/applications");
        await page.CreateApplicationAsync("site", "PHP 8.2", minMembers: 2, maxMembers: 2);
        await page.ApplicationRow("site").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("releases-unlinked")).ToBeVisibleAsync();

        // A branch the repository lacks is named at the field; the values stay.
        var url = page.Locator("input[data-testid='repository-url']");
        await url.WaitUntilInteractiveAsync();
        await url.FillAsync(origin);
        await page.Locator("input[data-testid='repository-branch']").FillAsync("production");
        await page.GetByTestId("repository-link").ClickAsync();
        await Expect(page.GetByTestId("repository-card")).ToContainTextAsync("no branch 'production'");
        await ScreenshotAsync(page, "missing-branch");

        // Linked: the secret is shown once, release #1 goes live on both members.
        await page.Locator("input[data-testid='repository-branch']").FillAsync("main");
        await page.GetByTestId("repository-link").ClickAsync();
        await Expect(page.GetByTestId("webhook-secret")).ToBeVisibleAsync();
        var secret = (await page.GetByTestId("webhook-secret").TextContentAsync())!.Trim();
        await Expect(page.GetByTestId("webhook-url")).ToContainTextAsync($"/hooks/git/{slug}/site");
        await ScreenshotAsync(page, "linked-secret-shown-once");
        await Expect(page.GetByTestId("release-state-1")).ToHaveAttributeAsync("data-state", "Succeeded", Deployed);
        await Expect(page.GetByTestId("application-release")).ToContainTextAsync("#1");
        await ScreenshotAsync(page, "release-1-live");

        var visitor = await NewPageAsync();
        var site = $"http://site.{slug}.apps.localhost:{Server.RouterPort}/";
        await Visitors.ExpectServedAsync(visitor, site, "Hello from the first version");
        await ScreenshotAsync(visitor, "first-version-through-the-router");

        // A push, announced by a signed webhook as GitHub sends it: release #2 shows its steps and goes live.
        var second = await CommitAsync(repository, "Second version", "<?php echo 'Hello from the second version';");
        await Visitors.PushAsync(Server.BaseUrl, slug, "site", secret, second);

        await Expect(page.GetByTestId("release-row-2")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await ScreenshotAsync(page, "release-2-in-progress");
        await Expect(page.GetByTestId("release-state-2")).ToHaveAttributeAsync("data-state", "Succeeded", Deployed);
        await Expect(page.GetByTestId("release-row-2")).ToContainTextAsync(second[..12]);
        await Expect(page.GetByTestId("release-row-2")).ToContainTextAsync("GitHub push by dev");
        await Visitors.ExpectServedAsync(visitor, site, "Hello from the second version");
        if (await page.GetByTestId("release-steps-2").CountAsync() == 0)
        {
            await page.GetByTestId("release-expand-2").ClickAsync(); // open unless it still is since it ran
        }

        await Expect(page.GetByTestId("release-steps-2").GetByTestId("release-step")).ToHaveCountAsync(6);
        await ScreenshotAsync(page, "release-2-steps");

        // Roll back to #1, confirmed: no build, the first version again.
        var rollback = page.GetByTestId("release-rollback-1");
        await rollback.ClickAsync();
        var confirm = page.Locator(".mud-dialog");
        await Expect(confirm).ToContainTextAsync("Roll back to #1");
        await ScreenshotAsync(page, "rollback-confirmation");
        await confirm.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Roll back", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("release-state-3")).ToHaveAttributeAsync("data-state", "Succeeded", Deployed);
        await Expect(page.GetByTestId("release-row-3")).ToContainTextAsync("rollback to #1");
        await Visitors.ExpectServedAsync(visitor, site, "Hello from the first version");
        await ScreenshotAsync(page, "rolled-back-to-1");

        // Clean up: the application and its members go.
        var dialog = await page.OpenDeleteDialogAsync("site");
        await dialog.Locator("button[data-testid='delete-confirm']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/applications$"));
    }

    private static Task<string> CommitAsync(GitRepository repository, string message, string indexPhp) =>
        repository.CommitAsync(message, new Dictionary<string, string> { ["index.php"] = indexPhp });
}
