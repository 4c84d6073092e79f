using System.Text.RegularExpressions;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

public sealed class SignUpTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    [Fact]
    public async Task Sign_up_then_sign_out_and_sign_in_again()
    {
        var email = Unique.Email("founder");
        var tenant = Unique.Slug("acme");
        var page = await NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page.GetByTestId("cta-sign-up")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "landing");

        await page.FollowLinkToStaticPageAsync(page.GetByTestId("cta-sign-up"));
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Register$"));
        await page.FillSignUpFormAsync(email, PortalPages.Password, tenant);
        await ScreenshotAsync(page, "sign-up-form");

        await page.GetByTestId("sign-up-submit").ClickAsync();
        await page.ExpectDashboardAsync(email, tenant);
        await Expect(page.GetByTestId("team-count")).ToHaveTextAsync("1 user");
        await ScreenshotAsync(page, "dashboard-after-sign-up");

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("cta-sign-up")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "signed-out");

        await page.GotoAsync("/Account/Login");
        await page.Field("Input.Email").FillAsync(email);
        await page.Field("Input.Password").FillAsync(PortalPages.Password);
        await ScreenshotAsync(page, "sign-in-form");

        await page.GetByTestId("sign-in-submit").ClickAsync();
        await page.ExpectDashboardAsync(email, tenant);
        await ScreenshotAsync(page, "dashboard-after-sign-in");
    }

    [Fact]
    public async Task Sign_in_never_redirects_away_from_the_portal()
    {
        var email = Unique.Email("careful");
        var tenant = Unique.Slug("careful");
        var page = await NewPageAsync();
        await page.SignUpAsync(email, tenant);
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("cta-sign-up")).ToBeVisibleAsync();

        // Another origin (on loopback, so a broken check sends nothing off this machine).
        await page.GotoAsync("/Account/Login?ReturnUrl=http%3A%2F%2F127.0.0.2%3A9%2Fsteal");
        await page.Field("Input.Email").FillAsync(email);
        await page.Field("Input.Password").FillAsync(PortalPages.Password);
        await page.GetByTestId("sign-in-submit").ClickAsync();

        await page.ExpectDashboardAsync(email, tenant);
        Assert.StartsWith(Server.BaseUrl.ToString(), page.Url, StringComparison.Ordinal);
        await ScreenshotAsync(page, "home-not-elsewhere");
    }
}
