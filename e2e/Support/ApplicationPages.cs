using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.Support;

/// <summary>How a tenant drives the Applications pages, and how the platform admin gets the cartridge images built.</summary>
public static class ApplicationPages
{
    /// <summary>How long members may take to become Active (images start, MariaDB initializes its data).</summary>
    public const float RunningTimeoutMs = 90_000;

    /// <summary>
    /// On /admin/cartridges (signed in as the platform admin), builds the built-in cartridges' images the engine
    /// lacks or has from older Dockerfiles, with the console's own Build button, and waits until they are ready.
    /// </summary>
    public static async Task EnsureBuiltInImagesAsync(this IPage page)
    {
        await page.GotoAsync("/admin/cartridges");
        foreach (var cartridge in new[] { "PHP 8.2", "MySQL (MariaDB 10.11)" })
        {
            var row = page.GetByTestId("cartridges").GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = cartridge });
            var status = row.GetByTestId("image-status");
            await Expect(status).ToBeVisibleAsync();
            if (await row.GetByTestId("image-build").CountAsync() > 0)
            {
                await row.GetByTestId("image-build").ClickUntilAsync(
                    row.GetByTestId("image-build-progress").Or(row.GetByTestId("image-status").Filter(new LocatorFilterOptions { HasText = "image ready" })));
            }

            await Expect(status).ToHaveTextAsync("image ready", new LocatorAssertionsToHaveTextOptions { Timeout = 600_000 });
        }
    }

    /// <summary>Fills and submits the "new application" form on /applications, and waits for the application in the list.</summary>
    public static async Task CreateApplicationAsync(
        this IPage page, string name, string cartridge, int? minMembers = null, int? maxMembers = null, string? link = null)
    {
        var nameInput = page.Locator("input[data-testid='application-name']");
        await nameInput.WaitUntilInteractiveAsync();
        await nameInput.FillAsync(name);
        await page.PickAsync("application-cartridge", cartridge);
        if (minMembers is { } min)
        {
            await page.FillNumberAsync("application-min", min);
        }

        if (maxMembers is { } max)
        {
            await page.FillNumberAsync("application-max", max);
        }

        if (link is not null)
        {
            await page.PickAsync("application-link", link);
        }

        await page.GetByTestId("application-create").ClickAsync();
        await Expect(page.ApplicationRow(name)).ToBeVisibleAsync();
        await Expect(nameInput).ToHaveValueAsync(""); // the form is emptied once the creation has answered
    }

    /// <summary>The row of <paramref name="name"/> in the applications list.</summary>
    public static ILocator ApplicationRow(this IPage page, string name) =>
        page.GetByTestId("applications").GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions
        {
            Has = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = name, Exact = true }),
        });

    /// <summary>Waits on the page of application <paramref name="name"/> until it runs <paramref name="members"/> members, all Active.</summary>
    public static async Task ExpectRunningAsync(this IPage page, string name, int members)
    {
        await Expect(page.GetByTestId("application-title")).ToHaveTextAsync(name);
        var timeout = new LocatorAssertionsToHaveAttributeOptions { Timeout = RunningTimeoutMs };
        await Expect(page.GetByTestId("application-header").GetByTestId("application-status")).ToHaveAttributeAsync("data-status", "Running", timeout);
        var states = page.GetByTestId("members").GetByTestId("member-state");
        await Expect(states).ToHaveCountAsync(members, new LocatorAssertionsToHaveCountOptions { Timeout = RunningTimeoutMs });
        await Expect(page.GetByTestId("members").Locator("[data-testid='member-state'][data-state='Active']"))
            .ToHaveCountAsync(members, new LocatorAssertionsToHaveCountOptions { Timeout = RunningTimeoutMs });
    }

    /// <summary>The full ids of the members an application's page lists.</summary>
    public static async Task<IReadOnlyList<string>> MemberIdsAsync(this IPage page)
    {
        var ids = new List<string>();
        foreach (var cell in await page.GetByTestId("members").GetByTestId("member-id").AllAsync())
        {
            ids.Add(await cell.GetAttributeAsync("data-member-id") ?? throw new InvalidOperationException("A member without its id."));
        }

        return ids;
    }

    /// <summary>Opens the delete dialog on an application's page and types <paramref name="typed"/> as the confirmation.</summary>
    public static async Task<ILocator> OpenDeleteDialogAsync(this IPage page, string typed)
    {
        // After a full page load the button is prerendered first: a click before the circuit drives it is lost.
        var delete = page.GetByTestId("application-delete");
        await delete.WaitUntilInteractiveAsync();
        await delete.ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        var confirm = dialog.Locator("button[data-testid='delete-confirm']");
        await Expect(confirm).ToBeDisabledAsync();
        await dialog.Locator("input[data-testid='delete-confirm-name']").FillAsync(typed);
        return dialog;
    }

    /// <summary>Picks the option showing <paramref name="text"/> in the MudSelect marked <paramref name="testId"/>.</summary>
    public static async Task PickAsync(this IPage page, string testId, string text)
    {
        await page.Locator($"input[data-testid='{testId}']").ClickAsync();
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = text });
        await option.First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    public static async Task FillNumberAsync(this IPage page, string testId, int value)
    {
        var input = page.Locator($"input[data-testid='{testId}']");
        await input.FillAsync(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await input.PressAsync("Tab"); // MudNumericField takes the value on change
    }
}
