using Portal.Core.Applications;

namespace Portal.Core.Metering;

/// <summary>A member's running time and memory on one UTC day (negative: a correction of time metered too far).</summary>
public sealed record DailyUsage(DateOnly Day, double MemberSeconds, double MemoryGibSeconds);

/// <summary>What the meter adds for one member now: <see cref="Days"/>, after which the member is metered until <see cref="Until"/>.</summary>
public sealed record MeterDue(Guid MemberId, DateTimeOffset? From, DateTimeOffset Until, IReadOnlyList<DailyUsage> Days);

/// <summary>
/// The metering rules. A member is metered while its container runs: from <see cref="Member.StartedAt"/> (the
/// container started) until it faults or is terminated, whichever comes first (<see cref="RunningUntil"/>). A Faulted
/// member's container has stopped, or is removed by the reconciler's next pass: the tenant is not charged for that
/// clean-up. Its memory is what it reserves, its cartridge's memory limit. Each run adds the part of a member's running
/// time since it was last metered (<see cref="Member.MeteredUntil"/>), split by UTC day, and moves that mark on: what
/// was metered is never metered again, and the sum of the runs is the running time once the member has ended.
/// </summary>
public static class MeteringRules
{
    public const double MbPerGib = 1024;

    /// <summary>When the member's container stopped running (its fault or termination); null while it runs or if it never started.</summary>
    public static DateTimeOffset? RunningUntil(Member member) => member.FaultedAt ?? member.TerminatedAt;

    /// <summary>Whether the member has running time not yet metered (or metered past its end, to correct).</summary>
    public static bool NeedsMetering(Member member) =>
        member.StartedAt is not null && (RunningUntil(member) is not { } end || member.MeteredUntil != end);

    /// <summary>
    /// What to add for <paramref name="member"/> at <paramref name="now"/>; null when nothing is due (never started,
    /// all metered). A running member is metered up to <paramref name="now"/>. A member whose end was recorded after
    /// the meter had already passed it (the reconciler saves the end a moment after it reads its clock) gets the
    /// excess back as negative usage, so the total is exact.
    /// </summary>
    public static MeterDue? Due(Member member, double memoryMb, DateTimeOffset now)
    {
        if (member.StartedAt is not { } started)
        {
            return null;
        }

        var from = member.MeteredUntil ?? started;
        var until = RunningUntil(member) ?? (now > from ? now : from); // a clock behind the mark waits, it never takes back
        if (until == from)
        {
            return null;
        }

        var gib = memoryMb / MbPerGib;
        var days = SplitByDay(from, until).Select(d => new DailyUsage(d.Day, d.Seconds, d.Seconds * gib)).ToList();
        return new MeterDue(member.Id, member.MeteredUntil, until, days);
    }

    /// <summary>
    /// The seconds from <paramref name="from"/> to <paramref name="to"/> on each UTC day they touch, oldest day first;
    /// negative when <paramref name="to"/> is earlier.
    /// </summary>
    public static IReadOnlyList<(DateOnly Day, double Seconds)> SplitByDay(DateTimeOffset from, DateTimeOffset to)
    {
        var sign = to >= from ? 1 : -1;
        var (start, end) = sign > 0 ? (from.UtcDateTime, to.UtcDateTime) : (to.UtcDateTime, from.UtcDateTime);
        var days = new List<(DateOnly, double)>();
        while (start < end)
        {
            var nextDay = start.Date.AddDays(1);
            var pieceEnd = nextDay < end ? nextDay : end;
            days.Add((DateOnly.FromDateTime(start), sign * (double)(pieceEnd - start).Ticks / TimeSpan.TicksPerSecond));
            start = pieceEnd;
        }

        return days;
    }

    /// <summary>Dues summed per application and day (several members of one application on one day make one addition).</summary>
    public static IReadOnlyDictionary<(Guid Application, DateOnly Day), DailyUsage> PerApplicationDay(IEnumerable<(Guid Application, MeterDue Due)> dues) =>
        dues.SelectMany(d => d.Due.Days.Select(day => (d.Application, Usage: day)))
            .GroupBy(d => (d.Application, d.Usage.Day))
            .ToDictionary(g => g.Key, g => new DailyUsage(g.Key.Day, g.Sum(d => d.Usage.MemberSeconds), g.Sum(d => d.Usage.MemoryGibSeconds)));
}
