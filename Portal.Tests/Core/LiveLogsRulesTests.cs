using Portal.Core.Applications;

namespace Portal.Tests.Core;

/// <summary>The pure rules of live logs: the engine's timestamped lines, where a follow resumes, and the merge in time order.</summary>
public sealed class LiveLogsRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 9, 24, 15, TimeSpan.Zero);
    private static readonly Guid A = Guid.Parse("01a2269e-58e8-7b07-b9cb-022a79354b12");
    private static readonly Guid B = Guid.Parse("01a2269e-58e5-7308-81d7-43742b02fd16");

    private static LogLine Line(Guid member, int ms, string text) => new(T0.AddMilliseconds(ms), member, LogStream.Stdout, text);

    [Fact]
    public void A_timestamped_line_gives_its_time_to_100_ns_and_its_text_cut()
    {
        var parsed = ContainerLogs.ParseTimestamped("2026-11-29T09:24:15.238358121Z GET /?x=1 took  2 ms");

        Assert.Equal(T0.AddTicks(2_383_581), parsed!.Value.At);
        Assert.Equal("GET /?x=1 took  2 ms", parsed.Value.Text);
        Assert.Equal(T0, ContainerLogs.ParseTimestamped("2026-11-29T09:24:15Z ")!.Value.At);
        Assert.Equal(ContainerLogs.MaxLineLength, ContainerLogs.ParseTimestamped("2026-11-29T09:24:15.1Z " + new string('x', 900))!.Value.Text.Length);
        Assert.Null(ContainerLogs.ParseTimestamped("no time here"));
    }

    [Fact]
    public void A_follow_resumes_after_the_lines_read_counting_those_of_the_last_time()
    {
        Assert.Same(LogPosition.Beginning, LogPosition.After([]));
        var at = T0.AddTicks(2_383_581);
        var position = LogPosition.After([
            new ContainerLogLine(T0, LogStream.Stdout, "a"),
            new ContainerLogLine(at, LogStream.Stdout, "b"),
            new ContainerLogLine(at, LogStream.Stderr, "c"),
        ]);

        Assert.Equal((at, 2, false), (position.Since, position.SeenAtSince, position.FromNow));
        Assert.Equal("1795944255.238358100", position.SinceParameter());
        Assert.Null(LogPosition.Now.SinceParameter());
        Assert.True(LogPosition.Now.FromNow);

        // The engine's file order across streams may put an older line last: the position is after the newest.
        var crossed = LogPosition.After([new ContainerLogLine(at, LogStream.Stderr, "c"), new ContainerLogLine(T0, LogStream.Stdout, "a")]);
        Assert.Equal((at, 1), (crossed.Since, crossed.SeenAtSince));
    }

    [Fact]
    public void The_tail_is_the_last_lines_over_all_members_in_time_order()
    {
        var tail = LogMerger.Last([Line(A, 0, "a0"), Line(A, 30, "a30"), Line(B, 10, "b10"), Line(B, 20, "b20"), Line(A, 30, "a30 again")], 3);

        Assert.Equal(["b20", "a30", "a30 again"], tail.Select(l => l.Text));
        Assert.Empty(LogMerger.Last([Line(A, 0, "a0")], 0));
    }

    [Fact]
    public void Lines_arriving_out_of_order_within_the_window_come_out_in_time_order()
    {
        var merger = new LogMerger(TimeSpan.FromMilliseconds(200));
        var now = T0.AddSeconds(1);
        merger.Add(Line(A, 50, "a50"), now);
        merger.Add(Line(B, 40, "b40"), now.AddMilliseconds(100)); // later, but written earlier

        Assert.Empty(merger.TakeReady(now.AddMilliseconds(150)));
        Assert.Equal(TimeSpan.FromMilliseconds(50), merger.NextDue(now.AddMilliseconds(150)));
        Assert.Equal(["b40", "a50"], merger.TakeReady(now.AddMilliseconds(200)).Select(l => l.Text)); // b40 goes with the due a50
        Assert.Null(merger.NextDue(now.AddMilliseconds(200)));
    }

    [Fact]
    public void Lines_of_one_time_keep_their_order_and_only_due_ones_go()
    {
        var merger = new LogMerger(TimeSpan.FromMilliseconds(200));
        merger.Add(Line(A, 10, "first"), T0);
        merger.Add(Line(A, 10, "second"), T0);
        merger.Add(Line(B, 90, "late"), T0.AddMilliseconds(150));

        Assert.Equal(["first", "second"], merger.TakeReady(T0.AddMilliseconds(250)).Select(l => l.Text));
        Assert.Equal(["late"], merger.TakeAll().Select(l => l.Text));
        Assert.Equal(0, merger.Count);
    }

    [Fact]
    public void A_member_is_named_by_its_id_or_short_id_and_the_tail_is_bounded()
    {
        Assert.True(LiveLogs.Names(A, A.ToString()));
        Assert.True(LiveLogs.Names(A, "79354B12"));
        Assert.False(LiveLogs.Names(B, "79354b12"));
        Assert.Null(LiveLogs.CheckTail(0));
        Assert.Null(LiveLogs.CheckTail(LiveLogs.MaxTail));
        Assert.NotNull(LiveLogs.CheckTail(-1));
        Assert.NotNull(LiveLogs.CheckTail(LiveLogs.MaxTail + 1));
    }
}
