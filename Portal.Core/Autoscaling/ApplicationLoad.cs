namespace Portal.Core.Autoscaling;

/// <summary>
/// An application's load over time: one <see cref="MetricWindow"/> per metric, holding totals in units of one member.
/// The windows start afresh whenever the number of Active members changes: with members saturated, adding one raises
/// the measured total at once, and a trend read across that step would predict demand that is not there (Stratos's
/// averages mixed samples from before and after a change, so it could only decide every 90 s).
/// </summary>
public sealed class ApplicationLoad(TimeSpan window)
{
    private readonly Dictionary<ScalingMetric, MetricWindow> windows = [];

    public TimeSpan Window { get; } = window;

    /// <summary>The Active members the samples in the windows were taken with (-1 before the first).</summary>
    public int ActiveMembers { get; private set; } = -1;

    /// <summary>
    /// Records one round of readings: the application's totals (CPU and memory in percent of one member's limits, summed
    /// over its Active members; requests in flight); null where there is no figure this round.
    /// </summary>
    public void Record(DateTimeOffset at, int activeMembers, double? cpuTotal, double? memoryTotal, double? requestsInFlight)
    {
        if (activeMembers != ActiveMembers)
        {
            windows.Clear();
            ActiveMembers = activeMembers;
        }

        Add(ScalingMetric.Cpu, at, cpuTotal);
        Add(ScalingMetric.Memory, at, memoryTotal);
        Add(ScalingMetric.RequestsInFlight, at, requestsInFlight);
    }

    /// <summary>
    /// A metric's total over the Active members from this round's figures, the <paramref name="missed"/> members (measured
    /// before, no reading this round) counted as the others' mean, so a missed reading does not look like less load.
    /// Members not measured yet are left out (idle). Null when there is no figure.
    /// </summary>
    public static double? Total(IReadOnlyCollection<double> figures, int missed) =>
        figures.Count == 0 ? null : figures.Sum() + missed * figures.Average();

    public IReadOnlyDictionary<ScalingMetric, MetricTrend?> Trends(DateTimeOffset now) =>
        windows.ToDictionary(w => w.Key, w => w.Value.Trend(now));

    private void Add(ScalingMetric metric, DateTimeOffset at, double? value)
    {
        if (value is not { } v)
        {
            return;
        }

        if (!windows.TryGetValue(metric, out var series))
        {
            windows[metric] = series = new MetricWindow(Window);
        }

        series.Add(at, v);
    }
}
