using System.Globalization;
using Portal.Core.Applications;
using Portal.Core.Partitions;

namespace Portal.Core.Autoscaling;

/// <summary>What an evaluation did.</summary>
public enum ScalingAction
{
    /// <summary>The load fits the members there are.</summary>
    None,

    /// <summary>Members were added.</summary>
    ScaleUp,

    /// <summary>A member was taken out (drained).</summary>
    ScaleDown,

    /// <summary>A change is wanted but held back: a cooldown, members still starting, a release rolling out, or not
    /// yet wanted for enough evaluations in a row.</summary>
    Wait,

    /// <summary>More members are needed than the application's maximum or its partitions allow.</summary>
    AtMaximum,
}

/// <summary>An Active member's latest readings (null when it has none yet) and where it runs.</summary>
public sealed record MemberReading(Guid MemberId, Guid PartitionId, double? CpuPercent, double? MemoryPercent)
{
    /// <summary>Stratos's overall load: the mean of CPU and memory; a member with no readings counts as idle.</summary>
    public double Load => ((CpuPercent ?? 0) + (MemoryPercent ?? 0)) / 2;
}

/// <summary>What the autoscaler remembers of an application between evaluations.</summary>
public sealed record ScalingState(DateTimeOffset? LastScaleUpAt, DateTimeOffset? LastScaleDownAt, int ScaleDownWanted)
{
    public static readonly ScalingState Initial = new(null, null, 0);
}

/// <summary>One evaluation's view of an application.</summary>
public sealed record ScalingInput
{
    public required DateTimeOffset Now { get; init; }

    public required AutoscalingPolicy Policy { get; init; }

    public required int MinMembers { get; init; }

    public required int MaxMembers { get; init; }

    /// <summary>Members the application is meant to run now (created, starting and active ones count).</summary>
    public required int DesiredMembers { get; init; }

    public required int ActiveMembers { get; init; }

    /// <summary>Members created or starting: already asked for, not serving yet.</summary>
    public required int StartingMembers { get; init; }

    /// <summary>Members the deployment policy's reachable partitions hold (burst partitions included).</summary>
    public required int Capacity { get; init; }

    /// <summary>How far ahead to predict.</summary>
    public required TimeSpan Horizon { get; init; }

    /// <summary>How many more members the tenant's quota lets it add (null: no quota limits it).</summary>
    public int? QuotaRoom { get; init; }

    /// <summary>The application's load per metric, as totals in units of one member (percent of one member's
    /// limit for CPU and memory, requests for requests in flight); null when the window has no samples.</summary>
    public required IReadOnlyDictionary<ScalingMetric, MetricTrend?> Trends { get; init; }

    public IReadOnlyList<MemberReading> Members { get; init; } = [];

    public IReadOnlyList<PartitionSlot> Partitions { get; init; } = [];

    public PartitionAlgorithm Algorithm { get; init; } = PartitionAlgorithm.RoundRobin;

    /// <summary>A release is rolling out: members come and go for it, so scaling waits.</summary>
    public bool RollingOut { get; init; }

    public ScalingState State { get; init; } = ScalingState.Initial;
}

/// <summary>One metric's part in a decision.</summary>
public sealed record MetricEvaluation(
    ScalingMetric Metric,
    int Threshold,
    int Samples,
    double? Average,
    double? Level,
    double? Slope,
    double? Acceleration,
    double? Predicted,
    int? Required);

/// <summary>A decision: what to do, why, and everything it was based on.</summary>
public sealed record ScalingOutcome(
    ScalingAction Action,
    int From,
    int To,
    string Reason,
    IReadOnlyList<MetricEvaluation> Metrics,
    TimeSpan Horizon,
    Guid? DrainMemberId,
    ScalingState State,
    string Cause)
{
    /// <summary>Tells decisions apart for the log: a held-back decision is logged when this changes, not at every evaluation.</summary>
    public string Key => $"{Action}/{Cause}/{To}";
}

/// <summary>
/// Stratos's multi-factor rule, mended. Per metric the application's total load (summed over the Active members, so it
/// does not fall when members are added, unlike Stratos's load formula relative to min) is predicted
/// over the horizon as s0 + u·t + a·t²/2 (with prediction off: the window's average, threshold only), and needs ceil(predicted / threshold)
/// members. The largest count wins, bounded by min, max and the partitions' capacity. Members are added at once (then
/// a cooldown); one member goes only after fewer were wanted for <see cref="AutoscalingPolicy.ScaleDownAfter"/>
/// evaluations in a row, with the load then staying below <see cref="AutoscalingPolicy.ScaleDownHeadroom"/> of the
/// threshold (a steady load between the two marks changes nothing: no oscillation), and it is the least loaded member of
/// the partition the deployment policy gives up first. Memory, which does not spread over members, asks for one more
/// member while over its threshold per member, and never for fewer.
/// </summary>
public static class ScalingEvaluator
{
    private static readonly ScalingMetric[] AllMetrics = [ScalingMetric.Cpu, ScalingMetric.Memory, ScalingMetric.RequestsInFlight];

    public static ScalingOutcome Evaluate(ScalingInput input)
    {
        var policy = input.Policy;
        var current = input.DesiredMembers;
        var metrics = new List<MetricEvaluation>();
        var up = new List<(MetricEvaluation Metric, int Required)>();
        var down = new List<int>();
        foreach (var metric in AllMetrics)
        {
            if (policy.Threshold(metric) is not { } threshold)
            {
                continue;
            }

            if (input.Trends.GetValueOrDefault(metric) is not { } trend)
            {
                metrics.Add(new MetricEvaluation(metric, threshold, 0, null, null, null, null, null, null));
                continue;
            }

            var predicted = policy.Prediction ? trend.Predict(input.Horizon) : trend.Average;
            int required, atMost;
            if (metric == ScalingMetric.Memory)
            {
                // Memory does not spread over more members (each keeps its own baseline): over the threshold per member
                // it asks for one more, and near it, it holds members back from going, but it never asks for fewer.
                var perMember = input.ActiveMembers > 0 ? predicted / input.ActiveMembers : 0;
                required = perMember > threshold ? current + 1 : 0;
                atMost = perMember > threshold * AutoscalingPolicy.ScaleDownHeadroom ? current : 0;
            }
            else
            {
                required = Members(predicted, threshold);
                atMost = Members(predicted, threshold * AutoscalingPolicy.ScaleDownHeadroom);
            }

            var evaluation = new MetricEvaluation(metric, threshold, trend.Samples, trend.Average, trend.Level, trend.Slope,
                trend.Acceleration, predicted, required);
            metrics.Add(evaluation);
            up.Add((evaluation, required));
            down.Add(atMost);
        }

        ScalingOutcome Outcome(ScalingAction action, int to, string reason, ScalingState state, string cause, Guid? drain = null) =>
            new(action, current, to, reason, metrics, input.Horizon, drain, state, cause);

        var state = input.State;
        if (input.RollingOut)
        {
            return Outcome(ScalingAction.Wait, current, "A release is rolling out; scaling waits until it ends.", state with { ScaleDownWanted = 0 }, "rollout");
        }

        if (current > input.MaxMembers)
        {
            return Outcome(ScalingAction.ScaleDown, input.MaxMembers,
                $"The application's maximum is {input.MaxMembers} now: down from {current}.",
                new ScalingState(state.LastScaleUpAt, input.Now, 0), "maximum-lowered");
        }

        if (up.Count == 0)
        {
            return Outcome(ScalingAction.None, current, "No readings yet.", state with { ScaleDownWanted = 0 }, "no-readings");
        }

        var (driver, wanted) = up.MaxBy(u => u.Required);
        var needed = Math.Max(wanted, input.MinMembers);
        if (needed > current)
        {
            var quota = input.QuotaRoom is { } room ? current + room : int.MaxValue;
            var limit = Math.Min(Math.Min(input.MaxMembers, input.Capacity), quota);
            var target = Math.Min(needed, Math.Max(limit, current));
            var why = Explain(driver, input);
            var bound = needed <= target ? ""
                : quota <= Math.Min(input.MaxMembers, input.Capacity)
                    ? $" The tenant's quota lets it have {quota} {Plural(quota, "member")}: {needed} are needed."
                    : input.Capacity < input.MaxMembers
                        ? $" The deployment policy's reachable partitions hold {input.Capacity} {Plural(input.Capacity, "member")}: {needed} are needed."
                        : $" The application's maximum is {input.MaxMembers}: {needed} are needed.";
            var reset = state with { ScaleDownWanted = 0 };
            if (target <= current)
            {
                return Outcome(ScalingAction.AtMaximum, current, why + bound.TrimEnd('.') + "; no member can be added.", reset,
                    quota <= Math.Min(input.MaxMembers, input.Capacity) ? "quota" : "maximum");
            }

            if (state.LastScaleUpAt is { } last && input.Now - last < policy.ScaleUpCooldown)
            {
                return Outcome(ScalingAction.Wait, current,
                    $"{why} Waiting for the scale-up cooldown ({Seconds(policy.ScaleUpCooldown - (input.Now - last))} left).", reset, "cooldown");
            }

            return Outcome(ScalingAction.ScaleUp, target, $"{why} Adding {target - current}.{bound}",
                reset with { LastScaleUpAt = input.Now }, "load");
        }

        var fewer = Math.Max(down.Max(), input.MinMembers);
        if (fewer >= current)
        {
            return Outcome(ScalingAction.None, current, "The load fits the members there are.", state with { ScaleDownWanted = 0 }, "fits");
        }

        var calm = $"{Describe(up.Select(u => u.Metric))}: {fewer} {Plural(fewer, "member")} would do.";
        if (input.StartingMembers > 0)
        {
            return Outcome(ScalingAction.Wait, current, $"{calm} Waiting for the members still starting.", state, "starting");
        }

        var count = state.ScaleDownWanted + 1;
        var counted = state with { ScaleDownWanted = count };
        if (count < policy.ScaleDownAfter)
        {
            return Outcome(ScalingAction.Wait, current,
                $"{calm} Wanted {count} of {policy.ScaleDownAfter} evaluations in a row before removing a member.", counted, $"wanted-{count}");
        }

        var lastChange = new[] { state.LastScaleUpAt, state.LastScaleDownAt }.Max();
        if (lastChange is { } changed && input.Now - changed < policy.ScaleDownCooldown)
        {
            return Outcome(ScalingAction.Wait, current,
                $"{calm} Waiting for the scale-down cooldown ({Seconds(policy.ScaleDownCooldown - (input.Now - changed))} left).", counted, "cooldown");
        }

        var victim = LeastLoaded(input);
        var named = victim is null ? "" : $" Draining the least loaded member ({Member.ShortId(victim.MemberId)}).";
        return Outcome(ScalingAction.ScaleDown, current - 1, $"{calm} Removing one.{named}",
            new ScalingState(state.LastScaleUpAt, input.Now, 0), "load", victim?.MemberId);
    }

    /// <summary>Members that keep <paramref name="load"/> (a total) at or under <paramref name="threshold"/> each.</summary>
    public static int Members(double load, double threshold) =>
        load <= 0 ? 0 : (int)Math.Ceiling(load / threshold - 1e-9);

    /// <summary>The Active member to drain: in the partition the deployment policy gives up first, the least loaded.</summary>
    public static MemberReading? LeastLoaded(ScalingInput input)
    {
        if (input.Members.Count == 0)
        {
            return null;
        }

        var loads = input.Partitions.DistinctBy(p => p.PartitionId)
            .Select(p => new PartitionLoad(p, input.Members.Count(m => m.PartitionId == p.PartitionId)))
            .ToList();
        var partition = PartitionSelector.ForRemoval(loads, input.Algorithm);
        var candidates = input.Members.Where(m => m.PartitionId == partition).ToList();
        return (candidates.Count > 0 ? candidates : input.Members).MinBy(m => m.Load);
    }

    private static string Explain(MetricEvaluation metric, ScalingInput input)
    {
        var active = Math.Max(input.ActiveMembers, 1);
        var name = Name(metric.Metric);
        var unit = metric.Metric == ScalingMetric.RequestsInFlight ? "" : "%";
        var now = $"now {Number(metric.Level ?? 0)}{unit} in all, {Number((metric.Level ?? 0) / active)}{unit} per member of {input.ActiveMembers}";
        var trend = input.Policy.Prediction
            ? $"predicted {Number(metric.Predicted ?? 0)}{unit} in {Seconds(input.Horizon)} ({now}, changing {Number(metric.Slope ?? 0)}{unit}/s)"
            : $"at {Number(metric.Predicted ?? 0)}{unit} on average over the window (prediction off; {now})";
        return metric.Metric == ScalingMetric.Memory
            ? $"{name} {trend}: over {metric.Threshold}% per member, one more member."
            : $"{name} {trend}: {metric.Required} {Plural(metric.Required ?? 0, "member")} keep it under {metric.Threshold}{unit} each.";
    }

    private static string Describe(IEnumerable<MetricEvaluation> metrics) =>
        string.Join(", ", metrics.Select(m =>
            $"{Name(m.Metric)} {(m.Metric == ScalingMetric.RequestsInFlight ? Number(m.Predicted ?? 0) : Number(m.Predicted ?? 0) + "%")}"));

    private static string Name(ScalingMetric metric) => metric switch
    {
        ScalingMetric.Cpu => "CPU",
        ScalingMetric.Memory => "Memory",
        _ => "Requests in flight",
    };

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";
}
