namespace Portal.Core.Applications;

/// <summary>
/// How long to wait before replacing members of an application whose members keep failing (a crash loop): free
/// for the first two faults in the window, then 10 s, doubling with each further fault, at most 5 minutes.
/// </summary>
public static class RestartBackoff
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private const int FreeFaults = 2;
    private static readonly TimeSpan First = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    /// <summary>When the next member may start, given when members faulted within <see cref="Window"/>; null: now.</summary>
    public static DateTimeOffset? NextStart(IReadOnlyCollection<DateTimeOffset> recentFaults)
    {
        if (recentFaults.Count <= FreeFaults)
        {
            return null;
        }

        var doublings = Math.Min(recentFaults.Count - FreeFaults - 1, 10);
        var delay = TimeSpan.FromTicks(Math.Min(First.Ticks << doublings, Longest.Ticks));
        return recentFaults.Max() + delay;
    }
}
