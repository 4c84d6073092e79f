using System.Diagnostics;
using Microsoft.Playwright;

namespace Portal.E2E.Support;

/// <summary>
/// Base of the browser tests: fresh browser contexts against the shared portal, and numbered screenshots of
/// each step in <c>TestResults/e2e/&lt;test&gt;/NN-step.png</c> (plus one of every open page when the test fails).
/// </summary>
public abstract class PortalTest(PortalServer server, PlaywrightBrowser browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];
    private readonly Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private int step;

    protected PortalServer Server => server;

    /// <summary>This test's screenshot folder (emptied when the test starts).</summary>
    protected string ScreenshotDirectory { get; private set; } = "";

    public virtual ValueTask InitializeAsync()
    {
        var test = TestContext.Current.TestMethod?.MethodName ?? GetType().Name;
        ScreenshotDirectory = Path.Combine(RepoPaths.ResultsDirectory, test);
        if (Directory.Exists(ScreenshotDirectory))
        {
            Directory.Delete(ScreenshotDirectory, recursive: true);
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        return ValueTask.CompletedTask;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            foreach (var page in contexts.SelectMany(c => c.Pages).Where(p => !p.IsClosed))
            {
                try
                {
                    await ScreenshotAsync(page, "failure");
                }
                catch (PlaywrightException)
                {
                    // The page may be gone with the browser; the test's own failure says more.
                }
            }
        }

        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A page in a new browser context: its own cookies, so its own signed-in user (or none).</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            ColorScheme = ColorScheme.Light,
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(60_000);
        contexts.Add(context);
        await Blazor.InstrumentAsync(context);
        await context.AddInitScriptAsync(StillPages);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// No CSS animation or transition in the tests' pages: spinners and ripples repainted 60 times a second by a
    /// software-rendering headless browser take a core's share from the portal and the members on a 2-core machine.
    /// </summary>
    private const string StillPages = """
        document.addEventListener('DOMContentLoaded', () => {
          const style = document.createElement('style');
          style.textContent = '*, *::before, *::after { animation: none !important; transition: none !important; }';
          document.head.appendChild(style);
        });
        """;

    /// <summary>
    /// Saves <c>NN-<paramref name="name"/>.png</c> (the viewport), NN counting this test's screenshots. A screenshot is a
    /// record of the journey, not one of its checks: one the browser cannot paint within 20 s on a saturated machine is
    /// written down as missing and the journey goes on.
    /// </summary>
    protected async Task ScreenshotAsync(IPage page, string name)
    {
        var file = $"{Interlocked.Increment(ref step):00}-{name}.png";
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(ScreenshotDirectory, file), Animations = ScreenshotAnimations.Disabled, Timeout = 20_000,
            });
            TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {file}  {page.Url}");
        }
        catch (TimeoutException e)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{clock.Elapsed.TotalSeconds,6:0.0} s  {file} not taken: {e.Message.Split('\n')[0]}  {page.Url}");
        }
    }
}
