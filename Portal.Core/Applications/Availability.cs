namespace Portal.Core.Applications;

/// <summary>How long a member served (Active) and how long it lived without serving (starting, draining, faulted), within a period.</summary>
public sealed record MemberAvailability(Guid MemberId, TimeSpan Up, TimeSpan Down);

/// <summary>
/// An application's up time (at least one member serving) and down time (none serving) within a period, and its members'.
/// </summary>
public sealed record ApplicationAvailability(DateTimeOffset From, DateTimeOffset To, TimeSpan Up, TimeSpan Down, IReadOnlyList<MemberAvailability> Members)
{
    /// <summary>Up time as a percentage of the period; null for an empty period.</summary>
    public double? UpPercent => Up + Down > TimeSpan.Zero ? 100.0 * Up.Ticks / (Up + Down).Ticks : null;

    /// <summary>
    /// Computed from the members' lifecycle times over [<paramref name="from"/>, <paramref name="to"/>], the period
    /// starting no earlier than the application was created (before that it was not down, it did not exist). A member
    /// serves from Active until it drains, faults or is terminated; the application is up while any member serves.
    /// </summary>
    public static ApplicationAvailability Of(IEnumerable<Member> members, DateTimeOffset applicationCreatedAt, DateTimeOffset from, DateTimeOffset to)
    {
        var start = from > applicationCreatedAt ? from : applicationCreatedAt;
        if (to < start)
        {
            to = start;
        }

        var serving = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        var perMember = new List<MemberAvailability>();
        foreach (var member in members)
        {
            var lived = Clip(member.CreatedAt, member.TerminatedAt ?? to, start, to);
            var served = member.ActiveAt is { } active
                ? Clip(active, member.DrainingAt ?? member.FaultedAt ?? member.TerminatedAt ?? to, start, to)
                : null;
            if (lived is null && served is null)
            {
                continue;
            }

            var up = served is { } s ? s.End - s.Start : TimeSpan.Zero;
            var life = lived is { } l ? l.End - l.Start : TimeSpan.Zero;
            perMember.Add(new MemberAvailability(member.Id, up, life > up ? life - up : TimeSpan.Zero));
            if (served is { } interval)
            {
                serving.Add(interval);
            }
        }

        var applicationUp = UnionLength(serving);
        return new ApplicationAvailability(start, to, applicationUp, to - start - applicationUp, perMember);
    }

    private static (DateTimeOffset Start, DateTimeOffset End)? Clip(DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to)
    {
        var s = start > from ? start : from;
        var e = end < to ? end : to;
        return e > s ? (s, e) : null;
    }

    private static TimeSpan UnionLength(List<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        var total = TimeSpan.Zero;
        DateTimeOffset? runStart = null, runEnd = null;
        foreach (var (s, e) in intervals.OrderBy(i => i.Start))
        {
            if (runEnd is { } end && s <= end)
            {
                runEnd = e > end ? e : end;
                continue;
            }

            if (runStart is { } rs && runEnd is { } re)
            {
                total += re - rs;
            }

            (runStart, runEnd) = (s, e);
        }

        if (runStart is { } lastStart && runEnd is { } lastEnd)
        {
            total += lastEnd - lastStart;
        }

        return total;
    }
}
