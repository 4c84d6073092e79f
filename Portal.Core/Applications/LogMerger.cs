namespace Portal.Core.Applications;

/// <summary>
/// Merges the lines of several members into one sequence in time order. Each member's lines come in order, but two
/// members' lines reach the portal over separate streams, so a line can arrive after a later one of another member.
/// Lines are held for <see cref="Window"/> after they arrive and given out sorted by time: lines that arrive at most
/// that much out of order come out in order (a later one can only come out ahead of an earlier one that arrived more
/// than the window after it).
/// </summary>
public sealed class LogMerger(TimeSpan window)
{
    /// <summary>How long lines wait for earlier ones by default: a fraction of the 2 s a line may take to be seen.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(200);

    private readonly List<(LogLine Line, DateTimeOffset Arrived)> held = [];

    public TimeSpan Window { get; } = window;

    public int Count => held.Count;

    /// <summary>The last <paramref name="count"/> of <paramref name="lines"/> in time order (lines of one time keep their order).</summary>
    public static IReadOnlyList<LogLine> Last(IEnumerable<LogLine> lines, int count)
    {
        var ordered = lines.OrderBy(l => l.At).ToList(); // stable
        return ordered.Count <= count ? ordered : ordered[^count..];
    }

    public void Add(LogLine line, DateTimeOffset arrived)
    {
        // After every line of the same or an earlier time: lines of one member keep their order.
        var index = held.Count;
        while (index > 0 && held[index - 1].Line.At > line.At)
        {
            index--;
        }

        held.Insert(index, (line, arrived));
    }

    /// <summary>
    /// The lines due at <paramref name="now"/>, oldest first: up to the last one that has waited the window (the ones
    /// before it are earlier, so they go with it).
    /// </summary>
    public IReadOnlyList<LogLine> TakeReady(DateTimeOffset now)
    {
        var last = held.FindLastIndex(h => now - h.Arrived >= Window);
        return Take(last + 1);
    }

    /// <summary>Every line held, oldest first (the followed members are gone: nothing earlier can come).</summary>
    public IReadOnlyList<LogLine> TakeAll() => Take(held.Count);

    /// <summary>How long until a held line is due; null when none is held.</summary>
    public TimeSpan? NextDue(DateTimeOffset now)
    {
        if (held.Count == 0)
        {
            return null;
        }

        var due = held.Min(h => h.Arrived) + Window - now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    private List<LogLine> Take(int count)
    {
        var taken = held.Take(count).Select(h => h.Line).ToList();
        held.RemoveRange(0, count);
        return taken;
    }
}
