using System.Net.Http.Json;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

public sealed class SignUpValidationTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    [Fact]
    public async Task Sign_up_form_shows_errors_next_to_the_fields_and_creates_nothing()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Account/Register");

        // Nothing filled in.
        await page.GetByTestId("sign-up-submit").ClickAsync();
        await Expect(page.FieldError("Input.Email")).ToHaveTextAsync("Your email is required.");
        await Expect(page.FieldError("Input.Password")).ToHaveTextAsync("A password is required.");
        await Expect(page.FieldError("Input.Tenant")).ToHaveTextAsync("A tenant name is required.");
        await ScreenshotAsync(page, "empty-form");

        // A tenant name that is no slug.
        var email = Unique.Email("newcomer");
        await page.FillSignUpFormAsync(email, PortalPages.Password, "Bad Slug");
        await page.GetByTestId("sign-up-submit").ClickAsync();
        await Expect(page.FieldError("Input.Tenant")).ToContainTextAsync("lowercase letters");
        await Expect(page.FieldError("Input.Email")).ToHaveCountAsync(0);
        await Expect(page.FieldError("Input.Password")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "bad-tenant-name");

        // A tenant name someone else has.
        var taken = Unique.Slug("taken");
        await RegisterThroughApiAsync(Unique.Email("first"), taken);
        await page.FillSignUpFormAsync(email, PortalPages.Password, taken);
        await page.GetByTestId("sign-up-submit").ClickAsync();
        await Expect(page.FieldError("Input.Tenant")).ToContainTextAsync($"The tenant name '{taken}' is taken.");
        await Expect(page.GetByTestId("dashboard-title")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "taken-tenant-name");

        // None of this created the user: the same email signs up once the form is right.
        var tenant = Unique.Slug("fixed");
        await page.FillSignUpFormAsync(email, PortalPages.Password, tenant);
        await page.GetByTestId("sign-up-submit").ClickAsync();
        await page.ExpectDashboardAsync(email, tenant);
        await Expect(page.GetByTestId("team-count")).ToHaveTextAsync("1 user");
        await ScreenshotAsync(page, "fixed-form-signed-up");
    }

    private async Task RegisterThroughApiAsync(string email, string tenant)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUrl };
        using var response = await http.PostAsJsonAsync(
            "api/v1/auth/register", new { email, password = PortalPages.Password, tenant });
        Assert.True(response.IsSuccessStatusCode, $"Sign-up through the API: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
