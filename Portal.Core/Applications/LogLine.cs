using System.Globalization;

namespace Portal.Core.Applications;

/// <summary>Which output of a container a line was written to.</summary>
public enum LogStream
{
    Stdout,
    Stderr,
}

/// <summary>One line of a container's output: when the engine logged it, to which stream, its text (cut by <see cref="ContainerLogs"/>).</summary>
public sealed record ContainerLogLine(DateTimeOffset At, LogStream Stream, string Text);

/// <summary>One line of an application's live logs: a <see cref="ContainerLogLine"/> of one of its members.</summary>
public sealed record LogLine(DateTimeOffset At, Guid MemberId, LogStream Stream, string Text)
{
    /// <summary>How the member is shown next to the line (<see cref="Member.ShortId"/>).</summary>
    public string Member => Applications.Member.ShortId(MemberId);

    public static LogLine Of(Guid memberId, ContainerLogLine line) => new(line.At, memberId, line.Stream, line.Text);
}

/// <summary>
/// Where following a container's output starts: at its beginning, at the moment the follow starts (nothing older), or
/// right after lines already read (the engine's <c>since</c> is inclusive and its times have 100 ns steps here, so the
/// lines read at the last time are counted and skipped).
/// </summary>
public sealed record LogPosition
{
    private LogPosition(DateTimeOffset? since, int seenAtSince, bool fromNow) => (Since, SeenAtSince, FromNow) = (since, seenAtSince, fromNow);

    /// <summary>Every line the container wrote.</summary>
    public static LogPosition Beginning { get; } = new(null, 0, fromNow: false);

    /// <summary>Only lines written from now on.</summary>
    public static LogPosition Now { get; } = new(null, 0, fromNow: true);

    /// <summary>Lines at or after this time (null: see <see cref="FromNow"/>).</summary>
    public DateTimeOffset? Since { get; }

    /// <summary>How many lines at exactly <see cref="Since"/> were read already (skip them).</summary>
    public int SeenAtSince { get; }

    public bool FromNow { get; }

    /// <summary>Right after the newest of <paramref name="read"/>; the beginning when nothing was read.</summary>
    public static LogPosition After(IReadOnlyList<ContainerLogLine> read)
    {
        if (read.Count == 0)
        {
            return Beginning;
        }

        var last = read.Max(l => l.At); // the engine's order across stdout and stderr may differ from the times by a hair
        return new LogPosition(last, read.Count(l => l.At == last), fromNow: false);
    }

    /// <summary><see cref="Since"/> as the engine's <c>since</c> parameter: Unix seconds with nanoseconds.</summary>
    public string? SinceParameter() => Since is { } since
        ? string.Create(CultureInfo.InvariantCulture, $"{since.ToUnixTimeSeconds()}.{since.UtcTicks % TimeSpan.TicksPerSecond * 100:D9}")
        : null;
}

/// <summary>Rules of an application's live logs: how many earlier lines may be asked for, how a member is named.</summary>
public static class LiveLogs
{
    /// <summary>Earlier lines shown when the logs open, unless asked otherwise.</summary>
    public const int DefaultTail = 100;

    /// <summary>At most this many earlier lines (over all members).</summary>
    public const int MaxTail = 1000;

    /// <summary>Why <paramref name="tail"/> cannot be asked for; null when it can.</summary>
    public static string? CheckTail(int tail) =>
        tail is < 0 or > MaxTail ? $"Ask for between 0 and {MaxTail} earlier lines." : null;

    /// <summary>Whether <paramref name="name"/> names the member: its full id or its short id (<see cref="Member.ShortId"/>), any case.</summary>
    public static bool Names(Guid memberId, string name) =>
        Guid.TryParse(name, out var id) ? id == memberId : string.Equals(Member.ShortId(memberId), name.Trim(), StringComparison.OrdinalIgnoreCase);
}
