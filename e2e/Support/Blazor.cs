using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.Support;

/// <summary>Waiting for Blazor Server's circuits: when a page reacts, and when a page is done with them.</summary>
public static class Blazor
{
    /// <summary>Counts, in <c>window.__e2eOpenCircuits</c>, the document's open WebSockets to /_blazor.</summary>
    private const string CircuitCounter = """
        (() => {
          const NativeWebSocket = window.WebSocket;
          let open = 0;
          Object.defineProperty(window, '__e2eOpenCircuits', { get: () => open });
          window.WebSocket = class extends NativeWebSocket {
            constructor(url, protocols) {
              super(url, protocols);
              if (String(url).includes('/_blazor')) {
                open++;
                this.addEventListener('close', () => open--, { once: true });
              }
            }
          };
        })();
        """;

    /// <summary>Lets <see cref="WaitUntilNoCircuitAsync"/> see the circuits of every page of the context.</summary>
    public static Task InstrumentAsync(IBrowserContext context) => context.AddInitScriptAsync(CircuitCounter);

    /// <summary>
    /// Waits until Blazor Server's circuit drives <paramref name="element"/>: before that a prerendered page
    /// shows the element, but typing into it is lost and clicking it does nothing (or posts the form).
    /// Blazor keeps an element's event handlers in an expando property named <c>_blazorEvents_N</c>.
    /// </summary>
    public static async Task WaitUntilInteractiveAsync(this ILocator element, float timeoutMs = 60_000)
    {
        await Expect(element).ToBeVisibleAsync();
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await element.EvaluateAsync<bool>("e => Object.keys(e).some(k => k.startsWith('_blazorEvents_'))"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{element} did not become interactive within {timeoutMs / 1000:0} s (no Blazor circuit?).");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Clicks <paramref name="element"/> once it is interactive, and again (at most <paramref name="tries"/> times in all)
    /// when <paramref name="outcome"/> does not show within <paramref name="patienceMs"/>, as a person would. On a saturated
    /// CI machine a click sometimes leaves no trace on the server (no handler ran, nothing logged): seen on a Save right
    /// after a pick and on a Build button right after its page loaded. Each retry is written to the test's output.
    /// </summary>
    public static async Task ClickUntilAsync(this ILocator element, ILocator outcome, int tries = 3, float patienceMs = 15_000)
    {
        for (var attempt = 1; ; attempt++)
        {
            await element.WaitUntilInteractiveAsync();
            await element.ClickAsync();
            try
            {
                await outcome.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = patienceMs });
                return;
            }
            catch (TimeoutException) when (attempt < tries)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"A click on {element} showed nothing within {patienceMs / 1000:0} s; clicking again.");
            }
        }
    }

    /// <summary>
    /// Waits until the page's document holds no open circuit.
    /// <para>
    /// Following a link from an interactive page to a statically rendered one (the /Account pages) can load the
    /// target twice when the click lands while the circuit is starting: first by blazor.web.js' enhanced
    /// navigation, which keeps the old document and its circuit, then by a full reload that the circuit's router
    /// forces once it sees the new location. Whatever is typed into the first copy is wiped. The target is
    /// settled once it is a document without a circuit: after that reload, or once blazor.web.js has closed the
    /// circuit that no longer has components (about 2 s).
    /// </para>
    /// </summary>
    public static async Task WaitUntilNoCircuitAsync(this IPage page, float timeoutMs = 60_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            try
            {
                if (await page.EvaluateAsync<int?>("() => window.__e2eOpenCircuits") is int open)
                {
                    if (open == 0)
                    {
                        return;
                    }
                }
                else
                {
                    throw new InvalidOperationException("Circuits are not counted on this page: call Blazor.InstrumentAsync on its context.");
                }
            }
            catch (PlaywrightException e) when (e.Message.Contains("context was destroyed", StringComparison.OrdinalIgnoreCase))
            {
                // A navigation replaced the document while we asked: ask the new one.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{page.Url} still had a Blazor circuit open after {timeoutMs / 1000:0} s.");
            }

            await Task.Delay(100);
        }
    }
}
