using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;
using Portal.E2E.Support;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Live logs and health in the browser: a tenant opens its application's page, a request to the application writes a
/// line (PHP's server logs every request to stderr), and the line shows in the Logs card, with its member, within 2 s;
/// the Health card charts the member's CPU, memory and requests, newer figures coming without a reload.
/// </summary>
public sealed class LogsTests(PortalServer server, PlaywrightBrowser browser) : PortalTest(server, browser)
{
    /// <summary>The issue's acceptance criterion: from the request to the line on screen.</summary>
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_line_the_application_writes_shows_in_the_browser_within_2_seconds_and_its_health_is_charted_live()
    {
        using var docker = await DockerEngine.RequireAsync();
        var admin = await NewPageAsync();
        await admin.SignInAsync(Server.AdminEmail, Server.AdminPassword, "platform");
        await admin.EnsureBuiltInImagesAsync();

        var page = await NewPageAsync();
        var slug = Unique.Slug("logs");
        await page.SignUpAsync(Unique.Email("dev"), slug);
        await page.GotoAsync("/applications");
        await page.CreateApplicationAsync("web", "PHP 8.2");
        await page.ApplicationRow("web").GetByRole(AriaRole.Link).ClickAsync();
        await page.ExpectRunningAsync("web", 1);
        var member = (await page.MemberIdsAsync()).Single();

        // The card follows the member: the health checks' requests show up (one every 2 s at least).
        var logs = page.GetByTestId("logs");
        await Expect(logs.GetByTestId("log-line").First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var host = $"web.{slug}.apps.localhost";
        await RequestUntilServedAsync(http, host, "/?warm-up");
        await ScreenshotAsync(page, "logs-open");

        var marker = Unique.Slug("visible");
        var clock = Stopwatch.StartNew();
        using (var response = await SendAsync(http, host, $"/?{marker}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await page.WaitForFunctionAsync(
            "m => [...document.querySelectorAll(\"[data-testid='logs'] [data-testid='log-text']\")].some(e => e.textContent.includes(m))",
            marker, new PageWaitForFunctionOptions { PollingInterval = 20, Timeout = 30_000 });
        var seen = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"request -> its log line visible in the browser: {seen.TotalMilliseconds:0} ms");
        await ScreenshotAsync(page, "line-visible");
        Assert.True(seen <= Live, $"the line took {seen.TotalMilliseconds:0} ms to show (at most {Live.TotalMilliseconds:0} ms)");

        // The line names its member and stream; the filter finds it.
        var line = logs.GetByTestId("log-line").Filter(new LocatorFilterOptions { HasText = marker });
        await Expect(line.GetByTestId("log-member")).ToHaveTextAsync(member.Replace("-", "", StringComparison.Ordinal)[^8..]);
        await Expect(line).ToHaveAttributeAsync("data-stream", "stderr");
        var filter = logs.Locator("input[data-testid='logs-filter']");
        await filter.FillAsync(marker);
        await Expect(logs.GetByTestId("log-line")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "filtered");

        // Health: the member's figures (CPU needs two readings, 5 s apart) and the charts, updating on their own.
        var health = page.GetByTestId("health-card");
        var percent = new System.Text.RegularExpressions.Regex(@"^\d+(\.\d)? %$");
        var slow = new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 };
        await Expect(health.GetByTestId("health-cpu")).ToHaveTextAsync(percent, slow);
        await Expect(health.GetByTestId("health-memory")).ToHaveTextAsync(percent);
        await Expect(health.GetByTestId("health-chart-resources").Locator("svg").First).ToBeVisibleAsync();
        await Expect(health.GetByTestId("health-chart-requests").Locator("svg").First).ToBeVisibleAsync();
        var points = int.Parse(await health.GetByTestId("health-chart-resources").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(health.GetByTestId("health-chart-resources")).Not.ToHaveAttributeAsync("data-points", points.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
        await health.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "health");

        // Tidy up: the reconciler removes the member's container.
        var dialog = await page.OpenDeleteDialogAsync("web");
        await dialog.Locator("button[data-testid='delete-confirm']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/applications$"));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Server.RouterPort}{path}");
        request.Headers.Host = host;
        return await http.SendAsync(request);
    }

    /// <summary>The router may take a moment to route a member that just became Active.</summary>
    private async Task RequestUntilServedAsync(HttpClient http, string host, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await SendAsync(http, host, path);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the router still answers {(int)response.StatusCode} for {host}");
            await Task.Delay(250);
        }
    }
}
