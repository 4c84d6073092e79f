using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.Support;

/// <summary>How a user drives the portal's pages: the steps the tests share.</summary>
public static partial class PortalPages
{
    public const string Password = "Passw0rd-Long";

    /// <summary>An input by its id (the account forms' ids contain dots, so no <c>#id</c> selector).</summary>
    public static ILocator Field(this IPage page, string id) => page.Locator($"[id='{id}']");

    /// <summary>The validation message under the account form's field <paramref name="id"/>.</summary>
    public static ILocator FieldError(this IPage page, string id) =>
        page.Locator(".portal-field", new PageLocatorOptions { Has = page.Field(id) }).Locator(".portal-field-error");

    /// <summary>
    /// The <c>input</c> of a MudBlazor text field marked with data-testid (the attribute may land on the input
    /// itself or on the field's wrapper).
    /// </summary>
    public static ILocator TextFieldInput(this IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input");

    public static async Task FillSignUpFormAsync(this IPage page, string email, string password, string tenant)
    {
        await page.Field("Input.Email").FillAsync(email);
        await page.Field("Input.Password").FillAsync(password);
        await page.Field("Input.ConfirmPassword").FillAsync(password);
        await page.Field("Input.Tenant").FillAsync(tenant);
    }

    /// <summary>Signs up a tenant on /Account/Register and waits for its dashboard.</summary>
    public static async Task SignUpAsync(this IPage page, string email, string tenant)
    {
        await page.GotoAsync("/Account/Register");
        await page.FillSignUpFormAsync(email, Password, tenant);
        await page.GetByTestId("sign-up-submit").ClickAsync();
        await page.ExpectDashboardAsync(email, tenant);
    }

    /// <summary>Signs in on /Account/Login and waits for the dashboard of <paramref name="tenant"/>.</summary>
    public static async Task SignInAsync(this IPage page, string email, string password, string tenant)
    {
        await page.GotoAsync("/Account/Login");
        await page.Field("Input.Email").FillAsync(email);
        await page.Field("Input.Password").FillAsync(password);
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await page.ExpectDashboardAsync(email, tenant);
    }

    /// <summary>The dashboard of <paramref name="tenant"/>, signed in as <paramref name="email"/>.</summary>
    public static async Task ExpectDashboardAsync(this IPage page, string email, string tenant)
    {
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.GetByTestId("dashboard-title")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tenant-slug")).ToHaveTextAsync(tenant);
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync($"{email} · {tenant}");
    }

    /// <summary>
    /// Follows <paramref name="link"/> on an interactive page to a statically rendered page (the /Account pages)
    /// and waits until that page is settled (see <see cref="Blazor.WaitUntilNoCircuitAsync"/>).
    /// </summary>
    public static async Task FollowLinkToStaticPageAsync(this IPage page, ILocator link)
    {
        await link.WaitUntilInteractiveAsync();
        await link.ClickAsync();
        await page.WaitUntilNoCircuitAsync();
    }

    /// <summary>
    /// Invites <paramref name="email"/> on /team (the page must show the invite form) and returns the one-time
    /// acceptance link shown, and the URL of the invitation's page (from the invitations table).
    /// </summary>
    public static async Task<(Uri AcceptLink, Uri DetailsUrl)> InviteAsync(this IPage page, string email)
    {
        var emailInput = page.TextFieldInput("invite-email");
        await emailInput.WaitUntilInteractiveAsync();
        await emailInput.FillAsync(email);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Create invitation" }).ClickAsync();

        var linkInput = page.TextFieldInput("invite-link");
        await Expect(linkInput).ToHaveValueAsync(AcceptLinkPattern());
        var acceptLink = new Uri(await linkInput.InputValueAsync());

        var detailsLink = page.GetByTestId("invitations").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = email });
        await Expect(detailsLink).ToBeVisibleAsync();
        var detailsUrl = await detailsLink.EvaluateAsync<string>("a => a.href"); // resolved as the browser does
        return (acceptLink, new Uri(detailsUrl));
    }

    [GeneratedRegex(@"/Account/AcceptInvitation\?token=[^&\s]+$")]
    private static partial Regex AcceptLinkPattern();
}
