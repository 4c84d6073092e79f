using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

public sealed class TenantIsolationTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    [Fact]
    public async Task A_tenant_sees_nothing_of_another_tenants_team()
    {
        // Tenant A invites someone.
        var adminA = Unique.Email("admin-a");
        var tenantA = Unique.Slug("tenant-a");
        var invitee = Unique.Email("invitee-a");
        var pageA = await NewPageAsync();
        await pageA.SignUpAsync(adminA, tenantA);
        await pageA.GotoAsync("/team");
        await Expect(pageA.GetByTestId("members")).ToContainTextAsync(adminA);
        var (_, invitationUrl) = await pageA.InviteAsync(invitee);
        await ScreenshotAsync(pageA, "a-team-with-invitation");

        // Tenant B, in another browser, sees only itself.
        var adminB = Unique.Email("admin-b");
        var tenantB = Unique.Slug("tenant-b");
        var pageB = await NewPageAsync();
        await pageB.SignUpAsync(adminB, tenantB);
        await pageB.GotoAsync("/team");
        var members = pageB.GetByTestId("members");
        await Expect(members).ToContainTextAsync(adminB);
        await Expect(pageB.GetByTestId("invitations")).ToContainTextAsync("No invitations yet.");
        await Expect(members).Not.ToContainTextAsync(adminA);
        await Expect(pageB.Locator("body")).Not.ToContainTextAsync(invitee);
        await ScreenshotAsync(pageB, "b-team");

        // A's invitation page does not exist for B...
        var response = await pageB.GotoAsync(invitationUrl.ToString());
        Assert.NotNull(response);
        Assert.Equal(404, response.Status);
        await Expect(pageB.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(pageB.Locator("body")).Not.ToContainTextAsync(invitee);
        await ScreenshotAsync(pageB, "b-opens-a-invitation");

        // ...but does for A.
        response = await pageA.GotoAsync(invitationUrl.ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await Expect(pageA.GetByTestId("invitation")).ToBeVisibleAsync();
        await Expect(pageA.GetByText($"Invitation for {invitee}")).ToBeVisibleAsync();
        await ScreenshotAsync(pageA, "a-opens-own-invitation");
    }
}
