using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

public sealed class AdminConsoleTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    [Fact]
    public async Task The_platform_admin_sees_the_catalogue_and_registers_a_cartridge()
    {
        var page = await NewPageAsync();
        await page.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");

        await page.GotoAsync("/admin/cartridges");
        var table = page.GetByTestId("cartridges");
        await Expect(table).ToContainTextAsync("PHP 8.2");
        await Expect(table).ToContainTextAsync("MySQL (MariaDB 10.11)");
        await Expect(table.GetByTestId("image-status").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "catalogue");

        var name = Unique.Slug("web");
        var nameInput = page.TextFieldInput("cartridge-name");
        await nameInput.WaitUntilInteractiveAsync();
        await nameInput.FillAsync(name);
        await page.GetByLabel("Display name").FillAsync("Static web");
        await page.TextFieldInput("cartridge-image").FillAsync("NOT A VALID IMAGE");
        await page.GetByTestId("cartridge-register").ClickAsync();
        await Expect(page.GetByText("This is not a Docker image reference")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "invalid-image");

        await page.TextFieldInput("cartridge-image").FillAsync($"portal-e2e/{name}:1.0");
        await page.GetByTestId("cartridge-register").ClickAsync();
        var row = table.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = name });
        await Expect(row).ToContainTextAsync($"portal-e2e/{name}:1.0");
        // Not built in and not on the engine: the portal says it is missing rather than offering a build.
        await Expect(row.GetByTestId("image-status")).ToHaveTextAsync("image missing");
        await Expect(row.GetByTestId("image-build")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "registered");
    }

    [Fact]
    public async Task A_tenant_admin_is_kept_out_of_the_admin_console()
    {
        var page = await NewPageAsync();
        await page.SignUpAsync(Unique.Email("tenant-admin"), Unique.Slug("tenant"));

        await page.GotoAsync("/admin/cartridges");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cartridges")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "denied");

        // Every page of the console, not only the first.
        foreach (var (path, content) in new[]
                 {
                     ("/admin", "overview-tenants"), ("/admin/tenants", "tenants"), ("/admin/users", "users"), ("/admin/partitions", "partitions"),
                     ("/admin/autoscaling-policies", "autoscaling-policies"), ("/admin/domains", "domains"), ("/admin/usage", "usage-from"),
                     ("/admin/audit", "audit-entries"),
                 })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
            await Expect(page.GetByTestId(content)).ToHaveCountAsync(0);
        }
    }
}
