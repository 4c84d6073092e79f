using System.Net;
using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Autoscaling in the browser: the platform admin defines a policy (a bad one is refused field by field), a tenant
/// gives it to an application, traffic through the router scales it out and, once gone, back in, and the application's
/// page shows every step in its decision timeline.
/// </summary>
public sealed class AutoscalingTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    private static readonly LocatorAssertionsToHaveCountOptions Scaling = new() { Timeout = 120_000 };

    [Fact]
    public async Task An_admin_defines_a_policy_a_tenant_chooses_it_and_load_scales_the_application_out_and_in_on_its_timeline()
    {
        using var docker = await DockerEngine.RequireAsync();
        var admin = await NewPageAsync();
        await admin.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");
        await admin.EnsureBuiltInImagesAsync();

        // The admin: a bad policy is refused at its fields, a good one is listed.
        await admin.GotoAsync("/admin/autoscaling-policies");
        var policy = Unique.Slug("busy");
        var name = admin.Locator("input[data-testid='autoscaling-name']");
        await name.WaitUntilInteractiveAsync();
        await name.FillAsync(policy);
        await admin.Locator("input[data-testid='autoscaling-cpu']").FillAsync("");
        await admin.FillNumberAsync("autoscaling-requests", 1);
        await admin.FillNumberAsync("autoscaling-interval", 2);
        await admin.FillNumberAsync("autoscaling-window", 3);
        await admin.GetByTestId("autoscaling-policy-add").ClickAsync();
        await Expect(admin.GetByTestId("autoscaling-policy-form")).ToContainTextAsync("at least two evaluation intervals");
        await ScreenshotAsync(admin, "window-too-short");

        await admin.FillNumberAsync("autoscaling-window", 20);
        await admin.FillNumberAsync("autoscaling-scale-up-cooldown", 2);
        await admin.FillNumberAsync("autoscaling-scale-down-cooldown", 2);
        await admin.FillNumberAsync("autoscaling-scale-down-after", 2);
        await admin.GetByTestId("autoscaling-policy-add").ClickAsync();
        await Expect(admin.Locator($"[data-testid='autoscaling-policy-name'][data-policy='{policy}']")).ToBeVisibleAsync();
        await ScreenshotAsync(admin, "policy-added");

        // The tenant gives it to an application of 1 to 2 members.
        var page = await NewPageAsync();
        var slug = Unique.Slug("scale");
        await page.SignUpAsync(Unique.Email("dev"), slug);
        await page.GotoAsync("/applications");
        await page.CreateApplicationAsync("web", "PHP 8.2", minMembers: 1, maxMembers: 2);
        await page.ApplicationRow("web").GetByRole(AriaRole.Link).ClickAsync();
        await page.ExpectRunningAsync("web", 1);
        await Expect(page.GetByTestId("scaling-timeline-empty")).ToBeVisibleAsync();
        await page.Locator("input[data-testid='autoscaling-policy-select']").WaitUntilInteractiveAsync();
        await page.PickAsync("autoscaling-policy-select", policy);
        await page.GetByTestId("autoscaling-save").ClickUntilAsync(page.GetByTestId("scale-autoscaled"));
        await Expect(page.GetByTestId("scale-autoscaled")).ToContainTextAsync(policy);
        await ScreenshotAsync(page, "autoscaled");

        // Eight slow clients keep about eight requests in flight, a member is for one: out to the maximum, 2.
        var decisions = page.GetByTestId("scaling-decision");
        using (var load = new SlowClients(Server.RouterPort, $"web.{slug}.apps.localhost", clients: 8))
        {
            await Expect(decisions.And(page.Locator("[data-action='ScaleUp']"))).ToHaveCountAsync(1, Scaling);
            await page.ExpectRunningAsync("web", 2);
            await Expect(page.GetByTestId("application-members")).ToHaveTextAsync("2 active of 2 desired");
            var up = decisions.And(page.Locator("[data-action='ScaleUp']"));
            await Expect(up.GetByTestId("scaling-decision-reason")).ToContainTextAsync("Requests in flight predicted");
            await up.GetByTestId("scaling-decision-expand").ClickAsync();
            await Expect(up.Locator("[data-testid='scaling-metric'][data-metric='RequestsInFlight']")).ToBeVisibleAsync();
            await ScreenshotAsync(page, "scaled-out");
            await load.StopAsync();
            Assert.True(load.Served > 0, "no request was served");
        }

        // Idle: back to 1, the drained member named in the timeline.
        await Expect(decisions.And(page.Locator("[data-action='ScaleDown']"))).ToHaveCountAsync(1, Scaling);
        await page.ExpectRunningAsync("web", 1);
        await Expect(decisions.And(page.Locator("[data-action='ScaleDown']")).GetByTestId("scaling-decision-reason"))
            .ToContainTextAsync("Draining the least loaded member");
        await Expect(decisions.First).ToHaveAttributeAsync("data-action", new System.Text.RegularExpressions.Regex("ScaleDown|None"));
        await ScreenshotAsync(page, "scaled-in");
    }
}
