using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// The demo of Apache Stratos as a platform admin and a tenant live it, in one journey on the real Docker engine:
/// the PHP cartridge's image is built and a shop's PHP cartridge registered in the admin console; a tenant deploys the
/// Acme shop (<c>demo/shop</c>) from a git repository, creates a MySQL database with its catalogue
/// (<c>demo/catalog.sql</c>), links it and sees the products; a signed webhook push deploys the next commit; load
/// scales it out (members and decisions on its page), the router spreads requests over every member in turn, and it
/// scales back in once the load stops. Each step's screenshot is the README's tour (<c>docs/tour</c>).
/// </summary>
public sealed partial class DemoTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    private const string ShopCartridge = "shop-php";
    private const string ShopCartridgeLabel = "Shop PHP";
    private const string Policy = "shop-traffic";
    private static readonly LocatorAssertionsToHaveAttributeOptions Deployed = new() { Timeout = 120_000 };
    private static readonly LocatorAssertionsToHaveCountOptions Scaling = new() { Timeout = 120_000 };
    private GitRepository? repository;

    public override async ValueTask DisposeAsync()
    {
        repository?.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task The_Stratos_demo_from_a_cartridge_image_to_a_PHP_shop_on_MySQL_deployed_by_webhook_autoscaled_and_balanced()
    {
        using var docker = await DockerEngine.RequireAsync();

        // 1. The platform admin builds the PHP cartridge's image (and MySQL's) from the admin console.
        var admin = await NewPageAsync();
        await admin.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");
        await admin.EnsureBuiltInImagesAsync();
        await ScreenshotAsync(admin, "cartridge-images-built");

        // 2. ... and registers the shop's PHP cartridge: that image, its limits, and the shop's currency for every member.
        await RegisterShopCartridgeAsync(admin);
        await ScreenshotAsync(admin, "shop-cartridge-registered");
        await AddAutoscalingPolicyAsync(admin);

        // 3. A tenant deploys the shop from its git repository.
        repository = await GitRepository.CreateAsync();
        await repository.CommitDirectoryAsync("The Acme shop", Path.Combine(RepoPaths.Root, "demo", "shop"));
        var page = await NewPageAsync();
        var tenant = Unique.Slug("acme");
        var developer = Unique.Email("dev");
        await page.SignUpAsync(developer, tenant);
        var signIn = $"{developer} / {PortalPages.Password} (tenant {tenant})";
        TestContext.Current.TestOutputHelper?.WriteLine($"The tenant: {signIn}");
        await File.WriteAllTextAsync(Path.Combine(ScreenshotDirectory, "tenant.txt"), signIn);
        await page.GotoAsync("/applications");
        await page.CreateApplicationAsync("shop", ShopCartridgeLabel, minMembers: 1, maxMembers: 3);
        await page.ApplicationRow("shop").GetByRole(AriaRole.Link).ClickAsync();
        var url = page.Locator("input[data-testid='repository-url']");
        await url.WaitUntilInteractiveAsync();
        await url.FillAsync(repository.Origin);
        await page.GetByTestId("repository-link").ClickAsync();
        await Expect(page.GetByTestId("webhook-secret")).ToBeVisibleAsync();
        var secret = (await page.GetByTestId("webhook-secret").TextContentAsync())!.Trim();
        await Expect(page.GetByTestId("release-state-1")).ToHaveAttributeAsync("data-state", "Succeeded", Deployed);
        await ScreenshotAsync(page, "shop-deployed-from-git");
        var visitor = await NewPageAsync();
        var shop = $"http://shop.{tenant}.apps.localhost:{Server.RouterPort}/";
        await Visitors.ExpectServedAsync(visitor, shop, "No catalogue yet");
        await Expect(visitor.Locator("#banner")).ToHaveTextAsync("Welcome to the Acme shop");
        await ScreenshotAsync(visitor, "shop-without-catalogue");

        // 4. A MySQL database created with the shop's catalogue as its schema.
        await page.GotoAsync("/applications");
        await CreateDatabaseAsync(page, "catalog", await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "demo", "catalog.sql")));
        await Expect(page.ApplicationRow("catalog").GetByTestId("application-status"))
            .ToHaveAttributeAsync("data-status", "Running", new LocatorAssertionsToHaveAttributeOptions { Timeout = ApplicationPages.RunningTimeoutMs });
        await ScreenshotAsync(page, "catalog-database-running");

        // 5. Linked to the shop: its member is replaced by one with the database's variables, and the page lists the products.
        await page.ApplicationRow("shop").GetByRole(AriaRole.Link).ClickAsync();
        await page.ExpectRunningAsync("shop", 1);
        var unlinked = await page.MemberIdsAsync();
        await page.GetByTestId("application-link-change").ClickUntilAsync(page.GetByTestId("link-dialog"));
        await page.PickAsync("link-database", "catalog");
        await Expect(page.GetByTestId("link-consequence")).ToContainTextAsync("DB_HOST");
        await ScreenshotAsync(page, "link-the-database");
        await page.GetByTestId("link-save").ClickAsync();
        await Expect(page.GetByTestId("application-linked-to")).ToHaveTextAsync("catalog");
        await Expect(page.GetByTestId("members").GetByTestId("member-id").And(page.Locator($"[data-member-id='{unlinked[0]}']")))
            .ToHaveCountAsync(0, Scaling);
        await page.ExpectRunningAsync("shop", 1);
        await Visitors.ExpectServedAsync(visitor, shop, "Green tea");
        await Expect(visitor.Locator("#products")).ToContainTextAsync("4.50 EUR");
        await ScreenshotAsync(visitor, "shop-reads-the-catalogue");

        // 6. A push, announced by a signed webhook: release #2 brings the new banner.
        var second = await repository.CommitAsync("A warmer welcome", new Dictionary<string, string> { ["banner.txt"] = "Welcome back to the Acme shop\n" });
        await Visitors.PushAsync(Server.BaseUrl, tenant, "shop", secret, second);
        await Expect(page.GetByTestId("release-state-2")).ToHaveAttributeAsync("data-state", "Succeeded", Deployed);
        await Expect(page.GetByTestId("release-row-2")).ToContainTextAsync("GitHub push by dev");
        await page.GetByTestId("release-row-2").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "release-2-by-webhook");
        await Visitors.ExpectServedAsync(visitor, shop, "Welcome back to the Acme shop");
        await ScreenshotAsync(visitor, "shop-after-the-push");

        // 7. Autoscaled by the admin's policy; under load it scales out to its maximum, the decisions saying why.
        var select = page.Locator("input[data-testid='autoscaling-policy-select']");
        await select.WaitUntilInteractiveAsync();
        await page.PickAsync("autoscaling-policy-select", Policy);
        await page.GetByTestId("autoscaling-save").ClickUntilAsync(page.GetByTestId("scale-autoscaled"));
        await Expect(page.GetByTestId("scale-autoscaled")).ToContainTextAsync(Policy);
        var decisions = page.GetByTestId("scaling-decision");
        using (var load = new SlowClients(Server.RouterPort, $"shop.{tenant}.apps.localhost", clients: 10))
        {
            await page.ExpectRunningAsync("shop", 3);
            await page.GetByTestId("members").ScrollIntoViewIfNeededAsync();
            await ScreenshotAsync(page, "three-members-under-load");
            var up = decisions.And(page.Locator("[data-action='ScaleUp']")).First;
            await Expect(up.GetByTestId("scaling-decision-reason")).ToContainTextAsync("Requests in flight predicted");
            await up.GetByTestId("scaling-decision-expand").ClickAsync();
            await ScreenshotAsync(page, "scaling-decisions");

            // 8. Round-robin: requests in a row are served by every member in turn.
            var members = (await page.MemberIdsAsync()).Select(id => id[^8..]).ToHashSet();
            var servedBy = await ServedByAsync(Server.RouterPort, $"shop.{tenant}.apps.localhost", requests: 12);
            TestContext.Current.TestOutputHelper?.WriteLine($"12 requests in a row were served by: {string.Join(" ", servedBy)}");
            Assert.Equal(members.Order(), servedBy.Distinct().Order());
            await visitor.GotoAsync(shop);
            await ScreenshotAsync(visitor, "served-by-one-member-of-three");
            await load.StopAsync();
            Assert.True(load.Served > 0, "no request of the load was served");
        }

        // 9. The load stops: back to one member, the drained ones named in the decisions.
        await Expect(decisions.And(page.Locator("[data-action='ScaleDown']"))).Not.ToHaveCountAsync(0, new() { Timeout = 120_000 });
        await page.ExpectRunningAsync("shop", 1);
        await ScreenshotAsync(page, "scaled-in-when-the-load-stopped");
    }

    private static async Task RegisterShopCartridgeAsync(IPage admin)
    {
        await admin.GotoAsync("/admin/cartridges");
        var row = admin.GetByTestId("cartridges").GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = ShopCartridge });
        if (await row.CountAsync() == 0) // the demo may run again against the same portal
        {
            var name = admin.TextFieldInput("cartridge-name");
            await name.WaitUntilInteractiveAsync();
            await name.FillAsync(ShopCartridge);
            await admin.GetByLabel("Display name").FillAsync(ShopCartridgeLabel);
            await admin.GetByLabel("Version").FillAsync("8.2");
            await admin.TextFieldInput("cartridge-image").FillAsync("portal/php:8.2");
            await admin.GetByLabel("Container port").FillAsync("8080");
            await admin.GetByLabel("Container port").PressAsync("Tab");
            await admin.GetByLabel("Health path").FillAsync("/");
            await admin.GetByLabel("Environment").FillAsync("SHOP_CURRENCY=EUR");
            await admin.GetByTestId("cartridge-register").ClickAsync();
        }

        await Expect(row.GetByTestId("image-status")).ToHaveTextAsync("image ready");
    }

    private static async Task AddAutoscalingPolicyAsync(IPage admin)
    {
        await admin.GotoAsync("/admin/autoscaling-policies");
        var listed = admin.Locator($"[data-testid='autoscaling-policy-name'][data-policy='{Policy}']");
        var name = admin.Locator("input[data-testid='autoscaling-name']");
        await name.WaitUntilInteractiveAsync();
        if (await listed.CountAsync() > 0)
        {
            return;
        }

        // A member is for one request in flight; decisions every 2 s over the last 20 s; quick to scale in.
        await name.FillAsync(Policy);
        await admin.Locator("input[data-testid='autoscaling-cpu']").FillAsync("");
        await admin.FillNumberAsync("autoscaling-requests", 1);
        await admin.FillNumberAsync("autoscaling-interval", 2);
        await admin.FillNumberAsync("autoscaling-window", 20);
        await admin.FillNumberAsync("autoscaling-scale-up-cooldown", 2);
        await admin.FillNumberAsync("autoscaling-scale-down-cooldown", 2);
        await admin.FillNumberAsync("autoscaling-scale-down-after", 2);
        await admin.GetByTestId("autoscaling-policy-add").ClickAsync();
        await Expect(listed).ToBeVisibleAsync();
    }

    private async Task CreateDatabaseAsync(IPage page, string name, string schema)
    {
        var nameInput = page.Locator("input[data-testid='application-name']");
        await nameInput.WaitUntilInteractiveAsync();
        await nameInput.FillAsync(name);
        await page.PickAsync("application-cartridge", "MySQL");
        await page.Locator("textarea[data-testid='application-schema']").FillAsync(schema);
        await ScreenshotAsync(page, "catalog-with-its-schema");
        await page.GetByTestId("application-create").ClickAsync();
        await Expect(page.ApplicationRow(name)).ToBeVisibleAsync();
    }

    /// <summary>The short id of the member that served each of <paramref name="requests"/> requests in a row through the router.</summary>
    private static async Task<List<string>> ServedByAsync(int routerPort, string host, int requests)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var servedBy = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{routerPort}/");
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            servedBy.Add(MemberOnPage().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value);
        }

        return servedBy;
    }

    [GeneratedRegex("""<b id="member">([0-9a-f]{8})</b>""")]
    private static partial Regex MemberOnPage();
}
