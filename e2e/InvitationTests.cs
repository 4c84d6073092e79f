using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

public sealed class InvitationTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    [Fact]
    public async Task An_invitee_joins_the_inviting_tenant_through_the_link()
    {
        var admin = Unique.Email("admin");
        var tenant = Unique.Slug("inviting");
        var invitee = Unique.Email("invitee");
        var adminPage = await NewPageAsync();
        await adminPage.SignUpAsync(admin, tenant);
        await adminPage.GotoAsync("/team");
        var (acceptLink, _) = await adminPage.InviteAsync(invitee);
        await ScreenshotAsync(adminPage, "invitation-created");

        // Someone not signed in opens the link.
        var page = await NewPageAsync();
        await page.GotoAsync(acceptLink.ToString());
        await Expect(page.GetByText($"You were invited as {invitee}")).ToBeVisibleAsync();
        await page.Field("Input.Password").FillAsync(PortalPages.Password);
        await page.Field("Input.ConfirmPassword").FillAsync(PortalPages.Password);
        await ScreenshotAsync(page, "accept-form");

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Join" }).ClickAsync();
        await page.ExpectDashboardAsync(invitee, tenant);
        await Expect(page.GetByTestId("team-count")).ToHaveTextAsync("2 users");
        await ScreenshotAsync(page, "invitee-dashboard");

        // The link works once.
        var again = await NewPageAsync();
        await again.GotoAsync(acceptLink.ToString());
        await Expect(again.GetByTestId("invitation-invalid")).ToBeVisibleAsync();
        await ScreenshotAsync(again, "link-used");
    }
}
