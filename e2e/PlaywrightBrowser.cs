using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Portal.E2E.PlaywrightBrowser))]

namespace Portal.E2E;

/// <summary>
/// One headless Chromium for the whole run (each test opens its own contexts in it). It is the distribution's
/// Chromium (env PORTAL_CHROMIUM, default /usr/bin/chromium): Playwright's browser download is never used.
/// </summary>
public sealed class PlaywrightBrowser : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? playwright;
    private IBrowser? browser;

    public string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>
    /// The browser. Without Chromium the calling test is skipped, or fails when CI=true (CI must not go green
    /// by skipping its browser tests).
    /// </summary>
    public IBrowser Browser
    {
        get
        {
            if (browser is not null)
            {
                return browser;
            }

            var reason = $"Chromium not found at {ExecutablePath}; run scripts/test.sh";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{reason} (CI=true: the browser tests must not be skipped).");
            }

            Assert.Skip(reason);
            return null!; // not reached: Assert.Skip throws
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        // Blazor Server pages need their circuit before they react; a busy 2-core machine can take seconds (and on a
        // CI machine sharing its cores with the other test project, tens of seconds).
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
