using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet;
using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// A tenant runs a PHP application linked to a MySQL database from the browser, on the real Docker engine: create,
/// watch them start, scale, check the link works, delete; another tenant cannot see them.
/// </summary>
public sealed class ApplicationsTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    private DockerClient? docker;
    private string? founder;
    private string? tenantNetwork;

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (docker is not null && founder is not null)
            {
                await DeleteLeftoversAsync(founder);
            }

            if (docker is not null && tenantNetwork is not null)
            {
                await docker.RemoveNetworkAsync(tenantNetwork);
            }
        }
        finally
        {
            docker?.Dispose();
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_tenant_runs_a_PHP_shop_on_a_MySQL_database_scales_it_and_deletes_it()
    {
        docker = await DockerEngine.RequireAsync();
        var admin = await NewPageAsync();
        await admin.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");
        await admin.EnsureBuiltInImagesAsync();
        await ScreenshotAsync(admin, "cartridge-images-ready");

        // A new tenant finds the Applications page from the navigation, empty.
        var page = await NewPageAsync();
        founder = Unique.Email("founder");
        var slug = Unique.Slug("shop");
        await page.SignUpAsync(founder, slug);
        await Expect(page.GetByTestId("applications-count")).ToHaveTextAsync("0 applications");
        var navLink = page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "Applications" });
        await navLink.WaitUntilInteractiveAsync();
        await navLink.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/applications$"));
        await Expect(page.GetByTestId("no-applications")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "no-applications");

        // A bad name is reported inline, and nothing is created.
        var nameInput = page.Locator("input[data-testid='application-name']");
        await nameInput.WaitUntilInteractiveAsync();
        await nameInput.FillAsync("My Shop");
        await page.GetByTestId("application-create").ClickAsync();
        await Expect(page.GetByText("Use 2 to 40 lowercase letters")).ToBeVisibleAsync();
        await Expect(page.GetByText("Pick a cartridge.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "invalid-form");

        // The database: a data cartridge has one member, so the form asks no member counts.
        await page.CreateApplicationAsync("db", "MySQL");
        await Expect(page.GetByTestId("data-application-note")).ToHaveCountAsync(0); // the form was emptied
        await ScreenshotAsync(page, "db-created");

        // The shop: PHP, 2 to 3 members, linked to the database.
        await page.CreateApplicationAsync("shop", "PHP 8.2", minMembers: 2, maxMembers: 3, link: "db");
        await Expect(page.ApplicationRow("shop")).ToContainTextAsync("db");
        await ScreenshotAsync(page, "shop-created");

        // Both start; the list follows without a reload.
        await Expect(page.ApplicationRow("db").GetByTestId("application-status"))
            .ToHaveAttributeAsync("data-status", "Running", new LocatorAssertionsToHaveAttributeOptions { Timeout = ApplicationPages.RunningTimeoutMs });
        await Expect(page.ApplicationRow("shop").GetByTestId("application-status"))
            .ToHaveAttributeAsync("data-status", "Running", new LocatorAssertionsToHaveAttributeOptions { Timeout = ApplicationPages.RunningTimeoutMs });
        await Expect(page.ApplicationRow("shop").GetByTestId("application-members")).ToHaveTextAsync("2 / 2");
        await ScreenshotAsync(page, "both-running");

        await page.ApplicationRow("db").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/applications/db$"));
        await page.ExpectRunningAsync("db", 1);
        tenantNetwork = await docker.NetworkOfAsync(Assert.Single(await page.MemberIdsAsync()));
        await Expect(page.GetByTestId("application-linked-by")).ToHaveTextAsync("shop");
        await Expect(page.GetByTestId("scale-fixed")).ToContainTextAsync("exactly one member");
        await ScreenshotAsync(page, "db-details");

        await page.GotoAsync("/applications/shop");
        await page.ExpectRunningAsync("shop", 2);
        await Expect(page.GetByTestId("application-linked-to")).ToHaveTextAsync("db");
        await ScreenshotAsync(page, "shop-details");

        // Scaling outside min..max is refused inline; to 3, a third member starts.
        var members = page.Locator("input[data-testid='scale-members']");
        await members.WaitUntilInteractiveAsync();
        await members.FillAsync("4");
        await members.PressAsync("Tab");
        await page.GetByTestId("scale-apply").ClickAsync();
        await Expect(page.GetByText("The application runs between 2 and 3 members; 4 is outside that range.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "scale-refused");

        await members.FillAsync("3");
        await members.PressAsync("Tab");
        await page.GetByTestId("scale-apply").ClickAsync();
        await page.ExpectRunningAsync("shop", 3);
        await Expect(page.GetByTestId("application-members")).ToHaveTextAsync("3 active of 3 desired");
        await ScreenshotAsync(page, "shop-scaled-to-3");

        // Every member's PHP page reads from MySQL through the link.
        var memberIds = await page.MemberIdsAsync();
        Assert.Equal(3, memberIds.Count);
        foreach (var memberId in memberIds)
        {
            var body = await GetPageAsync(await docker.PublishedUrlAsync(memberId, 8080), "Connected to database");
            Assert.Contains("Connected to database db on db (server 10.11", body, StringComparison.Ordinal);
            Assert.Contains($"Served by member {memberId}", body, StringComparison.Ordinal);
        }

        // The browser reaches the shop by its host name through the router, and the router spreads the visits.
        var visitor = await NewPageAsync();
        var shopUrl = $"http://shop.{slug}.apps.localhost:{Server.RouterPort}/";
        var servedBy = new HashSet<string>();
        for (var visit = 0; visit < 30 && servedBy.Count < memberIds.Count; visit++)
        {
            var visited = await visitor.GotoAsync(shopUrl);
            Assert.NotNull(visited);
            Assert.Equal(200, visited.Status);
            await Expect(visitor.Locator("#database")).ToContainTextAsync("Connected to database db on db");
            servedBy.Add(visited.Headers["x-portal-member"]);
        }

        Assert.Equal(memberIds.Order(), servedBy.Order());
        await ScreenshotAsync(visitor, "shop-through-the-router");

        // Another tenant does not see them: the address is a 404, its list is empty.
        var other = await NewPageAsync();
        await other.SignUpAsync(Unique.Email("other"), Unique.Slug("other"));
        var response = await other.GotoAsync("/applications/shop");
        Assert.NotNull(response);
        Assert.Equal(404, response.Status);
        await Expect(other.GetByTestId("not-found")).ToBeVisibleAsync();
        await ScreenshotAsync(other, "other-tenant-gets-404");
        await other.GotoAsync("/applications");
        await Expect(other.GetByTestId("no-applications")).ToBeVisibleAsync();

        // The database cannot go while the shop uses it; the dialog says its data would be lost.
        await page.GotoAsync("/applications/db");
        await page.ExpectRunningAsync("db", 1);
        var dialog = await page.OpenDeleteDialogAsync("db");
        await Expect(dialog.GetByTestId("data-loss-warning")).ToContainTextAsync("its database and all its data will be lost");
        await dialog.Locator("button[data-testid='delete-confirm']").ClickAsync();
        await Expect(dialog.GetByTestId("delete-error")).ToHaveTextAsync("'db' is linked to 'shop': delete that application first.");
        await ScreenshotAsync(page, "db-delete-refused");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        // The shop goes, after typing its name; then the database.
        await page.GotoAsync("/applications/shop");
        await page.ExpectRunningAsync("shop", 3);
        dialog = await page.OpenDeleteDialogAsync("shop");
        await Expect(dialog.GetByTestId("data-loss-warning")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "shop-delete-dialog");
        await dialog.Locator("button[data-testid='delete-confirm']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/applications$"));
        await Expect(page.ApplicationRow("shop")).ToHaveCountAsync(0);
        await Expect(page.ApplicationRow("db")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "shop-deleted");

        await page.ApplicationRow("db").GetByRole(AriaRole.Link).ClickAsync();
        await page.ExpectRunningAsync("db", 1);
        var dbMember = Assert.Single(await page.MemberIdsAsync());
        dialog = await page.OpenDeleteDialogAsync("db");
        await dialog.Locator("button[data-testid='delete-confirm']").ClickAsync();
        await Expect(page.GetByTestId("no-applications")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "all-deleted");

        // The reconciler removes their containers.
        foreach (var memberId in memberIds.Append(dbMember))
        {
            await WaitUntilGoneAsync(memberId);
        }
    }

    /// <summary>The member's page once it says <paramref name="expected"/> (PHP may still be warming up).</summary>
    private static async Task<string> GetPageAsync(Uri url, string expected)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var body = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                body = await http.GetStringAsync(url);
                if (body.Contains(expected, StringComparison.Ordinal))
                {
                    return body;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                body = e.Message;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{url} never said '{expected}'; last: {body}");
        return body;
    }

    /// <summary>
    /// Deletes what a test that stopped half-way left running (through the API), so its members do not run on
    /// after the portal stops; nothing to do when the test got to its end.
    /// </summary>
    private async Task DeleteLeftoversAsync(string email)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUrl };
        using var login = await http.PostAsJsonAsync("api/v1/auth/login", new { email, password = PortalPages.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var applications = await http.GetFromJsonAsync<JsonElement>("api/v1/applications");
        var members = new List<string>();
        // Those linking to a database first: a database still linked cannot be deleted.
        foreach (var application in applications.EnumerateArray().OrderBy(a => a.GetProperty("links").GetArrayLength() == 0))
        {
            var name = application.GetProperty("name").GetString();
            var details = await http.GetFromJsonAsync<JsonElement>($"api/v1/applications/{name}");
            members.AddRange(details.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            using var deleted = await http.DeleteAsync($"api/v1/applications/{name}");
            TestContext.Current.TestOutputHelper?.WriteLine($"Cleaning up: deleting {name} answered {(int)deleted.StatusCode}");
        }

        foreach (var memberId in members)
        {
            await WaitUntilGoneAsync(memberId);
        }
    }

    private async Task WaitUntilGoneAsync(string memberId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await docker!.ContainersOfAsync(memberId)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The container of member {memberId} is still there a minute after its application was deleted.");
            await Task.Delay(500);
        }
    }
}
