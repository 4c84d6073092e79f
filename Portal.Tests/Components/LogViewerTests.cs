using System.Threading.Channels;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Pages.Applications;
using Portal.Core.Applications;

namespace Portal.Tests.Components;

/// <summary>
/// The log viewer fed lines through a channel (how lines reach it is the Logs card's business, tested with the real
/// hub and service in LiveLogsTests and in the browser): the member and stream of each line, the filter, pause and
/// resume, and the cap on lines shown.
/// </summary>
public sealed class LogViewerTests : BunitContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // a busy host may starve the render loop for seconds
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 9, 24, 15, 250, TimeSpan.Zero);
    private static readonly Guid A = Guid.Parse("01a2269e-58e8-7b07-b9cb-022a79354b12");
    private static readonly Guid B = Guid.Parse("01a2269e-58e5-7308-81d7-43742b02fd16");

    private readonly Channel<LogLine> feed = Channel.CreateUnbounded<LogLine>();

    public LogViewerTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
    }

    private IRenderedComponent<LogViewer> RenderViewer() =>
        Render<LogViewer>(p => p.Add(c => c.Lines, feed.Reader.ReadAllAsync()));

    private void Write(Guid member, LogStream stream, string text, int ms = 0) =>
        Assert.True(feed.Writer.TryWrite(new LogLine(T0.AddMilliseconds(ms), member, stream, text)));

    private static List<string> Texts(IRenderedComponent<LogViewer> viewer) =>
        [.. viewer.FindAll("[data-testid=log-line] [data-testid=log-text]").Select(e => e.TextContent)];

    private static void Shows(IRenderedComponent<LogViewer> viewer, params string[] texts) =>
        viewer.WaitForAssertion(() => Assert.Equal(texts, Texts(viewer)), Patience);

    [Fact]
    public void Each_line_shows_its_time_member_and_stream_and_stderr_stands_out()
    {
        var viewer = RenderViewer();
        Write(A, LogStream.Stdout, "GET / 200");
        Write(B, LogStream.Stderr, "PHP Warning: oops", 5);

        Shows(viewer, "GET / 200", "PHP Warning: oops");
        var lines = viewer.FindAll("[data-testid=log-line]");
        Assert.Equal(["09:24:15.250", "79354b12", "stdout"], new[] { "log-time", "log-member", "log-stream" }.Select(id => lines[0].QuerySelector($"[data-testid={id}]")!.TextContent));
        Assert.Equal(["09:24:15.255", "2b02fd16", "stderr"],
            new[] { "log-time", "log-member", "log-stream" }.Select(id => lines[1].QuerySelector($"[data-testid={id}]")!.TextContent));
        Assert.Equal(B.ToString(), lines[1].GetAttribute("data-member"));
        Assert.Contains("portal-log-stderr", lines[1].ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain("portal-log-stderr", lines[0].ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void The_filter_shows_the_lines_containing_its_text_in_any_case()
    {
        var viewer = RenderViewer();
        Write(A, LogStream.Stdout, "GET /cart 200");
        Write(A, LogStream.Stderr, "PHP Warning: Undefined index");
        Write(B, LogStream.Stdout, "GET /Cart/add 302");
        Shows(viewer, "GET /cart 200", "PHP Warning: Undefined index", "GET /Cart/add 302");

        viewer.Find("input[data-testid=logs-filter]").Input("CART");
        Shows(viewer, "GET /cart 200", "GET /Cart/add 302");

        Write(B, LogStream.Stdout, "POST /cart 201");
        Write(B, LogStream.Stdout, "GET /health 200");
        Shows(viewer, "GET /cart 200", "GET /Cart/add 302", "POST /cart 201");

        viewer.Find("input[data-testid=logs-filter]").Input("nothing like it");
        viewer.WaitForAssertion(() => Assert.Equal("No line shown matches the filter.", viewer.Find("[data-testid=logs-empty]").TextContent), Patience);

        viewer.Find("input[data-testid=logs-filter]").Input("");
        Shows(viewer, "GET /cart 200", "PHP Warning: Undefined index", "GET /Cart/add 302", "POST /cart 201", "GET /health 200");
    }

    [Fact]
    public async Task Paused_it_keeps_the_screen_still_counts_what_comes_and_shows_it_on_resume()
    {
        var viewer = RenderViewer();
        Write(A, LogStream.Stdout, "one");
        Shows(viewer, "one");

        // The click is dispatched through the renderer, which the render loop may hold at that moment: the lines are
        // written once the pause took effect, or they would be on the frozen screen (and none held).
        await viewer.Find("button[data-testid=logs-pause]").ClickAsync(new MouseEventArgs());
        viewer.WaitForAssertion(() => Assert.Equal("true", viewer.Find("button[data-testid=logs-pause]").GetAttribute("data-paused")), Patience);
        Write(A, LogStream.Stdout, "two");
        Write(B, LogStream.Stderr, "three");
        // What the button says is the view's count; rendered here, not left to the render loop (the other tests show that
        // live). The wait yields its thread: the lines reach the view on a pool thread, which a busy test host may be short of.
        var deadline = DateTime.UtcNow + Patience;
        while (!viewer.Find("button[data-testid=logs-pause]").TextContent.Contains("Resume (2 new)", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);
            viewer.Render();
        }

        Assert.Contains("Resume (2 new)", viewer.Find("button[data-testid=logs-pause]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["one"], Texts(viewer));

        await viewer.Find("button[data-testid=logs-pause]").ClickAsync(new MouseEventArgs());
        Shows(viewer, "one", "two", "three");
        Assert.Contains("Pause", viewer.Find("button[data-testid=logs-pause]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_the_newest_thousand_lines_are_shown()
    {
        var viewer = RenderViewer();
        for (var i = 1; i <= LogView.Capacity + 5; i++)
        {
            Write(i % 2 == 0 ? A : B, LogStream.Stdout, $"line {i}", i);
        }

        viewer.WaitForAssertion(() => Assert.Equal($"line {LogView.Capacity + 5}", Texts(viewer).LastOrDefault()), Patience);
        var texts = Texts(viewer);
        Assert.Equal(LogView.Capacity, texts.Count);
        Assert.Equal("line 6", texts[0]);
    }

    [Fact]
    public void A_stream_that_fails_says_so()
    {
        var viewer = RenderViewer();
        Write(A, LogStream.Stdout, "last words");
        feed.Writer.Complete(new InvalidOperationException("The engine went away."));

        viewer.WaitForAssertion(() => Assert.Equal("The logs stopped: The engine went away.", viewer.Find("[data-testid=logs-stopped]").TextContent), Patience);
        Shows(viewer, "last words");
    }
}
