using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
    private string? repository;

    public override async ValueTask DisposeAsync()
    {
        if (repository is not null)
        {
            Directory.Delete(repository, recursive: true);
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_tenant_links_a_repository_a_signed_push_deploys_the_next_commit_and_a_click_rolls_it_back()
    {
        using var docker = await DockerEngine.RequireAsync();
        var admin = await NewPageAsync();
        await admin.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");
        await admin.EnsureBuiltInImagesAsync();

        repository = Directory.CreateTempSubdirectory("portal-e2e-git-").FullName;
        var origin = Path.Combine(repository, "origin.git");
        var work = Path.Combine(repository, "work");
        await GitAsync(repository, "init", "--quiet", "--bare", "--initial-branch=main", origin);
        await GitAsync(repository, "init", "--quiet", "--initial-branch=main", work);
        await GitAsync(work, "remote", "add", "origin", origin);
        await CommitAsync(work, "First version", "<?php echo 'Hello from the first version';");

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
        await ExpectServedAsync(visitor, site, "Hello from the first version");
        await ScreenshotAsync(visitor, "first-version-through-the-router");

        // A push, announced by a signed webhook as GitHub sends it: release #2 shows its steps and goes live.
        var second = await CommitAsync(work, "Second version", "<?php echo 'Hello from the second version';");
        using (var hooks = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Server.BaseUrl })
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { @ref = "refs/heads/main", after = second, pusher = new { name = "dev" } });
            using var push = new HttpRequestMessage(HttpMethod.Post, $"/hooks/git/{slug}/site") { Content = new ByteArrayContent(body) };
            push.Headers.Add("X-GitHub-Event", "push");
            push.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
            push.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
            using var response = await hooks.SendAsync(push);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await Expect(page.GetByTestId("release-row-2")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await ScreenshotAsync(page, "release-2-in-progress");
        await Expect(page.GetByTestId("release-state-2")).ToHaveAttributeAsync("data-state", "Succeeded", Deployed);
        await Expect(page.GetByTestId("release-row-2")).ToContainTextAsync(second[..12]);
        await Expect(page.GetByTestId("release-row-2")).ToContainTextAsync("GitHub push by dev");
        await ExpectServedAsync(visitor, site, "Hello from the second version");
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
        await ExpectServedAsync(visitor, site, "Hello from the first version");
        await ScreenshotAsync(page, "rolled-back-to-1");

        // Clean up: the application and its members go.
        var dialog = await page.OpenDeleteDialogAsync("site");
        await dialog.Locator("button[data-testid='delete-confirm']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/applications$"));
    }

    /// <summary>Reloads <paramref name="url"/> until the router serves <paramref name="text"/> (both members switch together).</summary>
    private static async Task ExpectServedAsync(IPage visitor, string url, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await visitor.GotoAsync(url);
            last = response is null ? "no response" : $"{response.Status} {await response.TextAsync()}";
            if (response is { Status: 200 } && last.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{url} did not serve '{text}' within 60 s; last: {last}");
    }

    private static async Task<string> CommitAsync(string work, string message, string indexPhp)
    {
        await File.WriteAllTextAsync(Path.Combine(work, "index.php"), indexPhp);
        await GitAsync(work, "add", "--all");
        await GitAsync(work, "-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "--quiet", "-m", message);
        await GitAsync(work, "push", "--quiet", "origin", "HEAD:refs/heads/main");
        return (await GitAsync(work, "rev-parse", "HEAD")).Trim();
    }

    private static async Task<string> GitAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync();
        var error = await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error}");
        return output;
    }
}
