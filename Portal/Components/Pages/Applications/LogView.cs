using Portal.Core.Applications;

namespace Portal.Components.Pages.Applications;

/// <summary>A line on screen, numbered in the order it came (the key that keeps rendering cheap).</summary>
public sealed record ShownLogLine(long Number, LogLine Line);

/// <summary>
/// What the log viewer shows, apart from rendering: the newest <see cref="Capacity"/> lines received, a case-insensitive
/// text filter, and pause. Paused, the screen keeps what it showed; lines keep coming into the buffer (still at most
/// <see cref="Capacity"/>: beyond it the oldest go) and appear on resume. Lines are added from the stream's thread and
/// read from the renderer's, so every access takes the lock.
/// </summary>
public sealed class LogView(int capacity = LogView.Capacity)
{
    /// <summary>Lines kept on screen: enough to read back, few enough to render every fraction of a second.</summary>
    public const int Capacity = 1000;

    private readonly Lock gate = new();
    private readonly Queue<ShownLogLine> lines = new();
    private IReadOnlyList<ShownLogLine> frozen = [];
    private long received;
    private long shownUpTo;

    /// <summary>Lines received since the view was made.</summary>
    public long Received
    {
        get
        {
            lock (gate)
            {
                return received;
            }
        }
    }

    public bool Paused { get; private set; }

    /// <summary>Lines received while paused (shown on resume, the newest <see cref="Capacity"/> of them at most).</summary>
    public long Held
    {
        get
        {
            lock (gate)
            {
                return Paused ? received - shownUpTo : 0;
            }
        }
    }

    public void Add(LogLine line)
    {
        lock (gate)
        {
            lines.Enqueue(new ShownLogLine(received++, line));
            if (lines.Count > capacity)
            {
                lines.Dequeue();
            }
        }
    }

    public void Pause()
    {
        lock (gate)
        {
            if (!Paused)
            {
                frozen = [.. lines];
                shownUpTo = received;
                Paused = true;
            }
        }
    }

    public void Resume()
    {
        lock (gate)
        {
            Paused = false;
            frozen = [];
        }
    }

    /// <summary>The lines to show, oldest first: those whose text contains <paramref name="filter"/> in any case (all when it is empty).</summary>
    public IReadOnlyList<ShownLogLine> Shown(string? filter)
    {
        IEnumerable<ShownLogLine> source;
        lock (gate)
        {
            source = Paused ? frozen : [.. lines];
        }

        return string.IsNullOrEmpty(filter)
            ? [.. source]
            : [.. source.Where(l => l.Line.Text.Contains(filter, StringComparison.OrdinalIgnoreCase))];
    }
}
