using Portal.Core.Autoscaling;
using Portal.Core.Partitions;

namespace Portal.Tests.Core;

/// <summary>The multi-factor decision: required members per metric, bounds, cooldowns, scale-down hysteresis.</summary>
public sealed class ScalingEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
    private static readonly PartitionSlot Regular = new(Guid.Parse("00000000-0000-0000-0000-0000000000a1"), 3);
    private static readonly PartitionSlot Burst = new(Guid.Parse("00000000-0000-0000-0000-0000000000b1"), 2, Burst: true);

    private static AutoscalingPolicy Policy(int? cpu = 70, int? memory = null, int? rif = null, bool prediction = true) => new()
    {
        Name = "test",
        CpuPercent = cpu,
        MemoryPercent = memory,
        RequestsInFlight = rif,
        ScaleUpCooldown = TimeSpan.FromSeconds(15),
        ScaleDownCooldown = TimeSpan.FromSeconds(30),
        ScaleDownAfter = 3,
        Prediction = prediction,
    };

    /// <summary>A flat trend at <paramref name="total"/>.</summary>
    private static MetricTrend Flat(double total) => new(10, TimeSpan.FromSeconds(20), total, total, 0, 0);

    private static ScalingInput Input(int desired, double? cpu = null, double? memory = null, double? rif = null, AutoscalingPolicy? policy = null) => new()
    {
        Now = T0,
        Policy = policy ?? Policy(),
        MinMembers = 1,
        MaxMembers = 5,
        DesiredMembers = desired,
        ActiveMembers = desired,
        StartingMembers = 0,
        Capacity = 5,
        Horizon = TimeSpan.FromSeconds(5),
        Trends = new Dictionary<ScalingMetric, MetricTrend?>
        {
            [ScalingMetric.Cpu] = cpu is { } c ? Flat(c) : null,
            [ScalingMetric.Memory] = memory is { } m ? Flat(m) : null,
            [ScalingMetric.RequestsInFlight] = rif is { } r ? Flat(r) : null,
        },
        Partitions = [Regular, Burst],
    };

    [Fact]
    public void Members_needed_are_the_total_load_over_the_threshold_rounded_up()
    {
        Assert.Equal(0, ScalingEvaluator.Members(0, 70));
        Assert.Equal(1, ScalingEvaluator.Members(70, 70));
        Assert.Equal(2, ScalingEvaluator.Members(70.5, 70));
        Assert.Equal(3, ScalingEvaluator.Members(180, 70));
        Assert.Equal(2, ScalingEvaluator.Members(140.0000000001, 70)); // float noise is not a member
    }

    [Fact]
    public void Two_members_at_90_percent_against_70_scale_out_to_three_at_once_and_say_why()
    {
        var outcome = ScalingEvaluator.Evaluate(Input(2, cpu: 180));

        Assert.Equal((ScalingAction.ScaleUp, 2, 3), (outcome.Action, outcome.From, outcome.To));
        Assert.Contains("CPU predicted 180%", outcome.Reason);
        Assert.Contains("90% per member of 2", outcome.Reason);
        Assert.Contains("3 members keep it under 70% each", outcome.Reason);
        Assert.Equal(T0, outcome.State.LastScaleUpAt);
        var cpu = Assert.Single(outcome.Metrics);
        Assert.Equal((ScalingMetric.Cpu, 70, 180.0, 3), (cpu.Metric, cpu.Threshold, cpu.Predicted!.Value, cpu.Required!.Value));
    }

    [Fact]
    public void The_metric_needing_most_members_decides_and_every_metric_is_recorded()
    {
        var outcome = ScalingEvaluator.Evaluate(Input(2, cpu: 150, memory: 60, rif: 35, policy: Policy(cpu: 70, memory: 80, rif: 10)));

        Assert.Equal((ScalingAction.ScaleUp, 4), (outcome.Action, outcome.To));
        Assert.StartsWith("Requests in flight", outcome.Reason);
        Assert.Equal([3, 0, 4], outcome.Metrics.Select(m => m.Required!.Value)); // memory: 30% per member, under 80: no opinion
    }

    [Fact]
    public void Memory_over_its_threshold_per_member_asks_for_one_more_and_never_for_fewer()
    {
        var policy = Policy(cpu: 70, memory: 60);

        // 2 members at 70% memory each (140 in all): one more, whatever the total would suggest.
        var over = ScalingEvaluator.Evaluate(Input(2, cpu: 20, memory: 140, policy: policy));
        Assert.Equal((ScalingAction.ScaleUp, 3), (over.Action, over.To));
        Assert.StartsWith("Memory predicted 140%", over.Reason);
        Assert.Contains("over 60% per member, one more member", over.Reason);

        // 3 members at 55% memory (over 80% of 60) and idle CPU: memory holds them; at 30% it lets CPU decide.
        Assert.Equal(ScalingAction.None, ScalingEvaluator.Evaluate(Input(3, cpu: 10, memory: 165, policy: policy)).Action);
        Assert.Equal(ScalingAction.Wait, ScalingEvaluator.Evaluate(Input(3, cpu: 10, memory: 90, policy: policy)).Action);
    }

    [Fact]
    public void An_application_above_a_lowered_maximum_goes_down_to_it_at_once()
    {
        var outcome = ScalingEvaluator.Evaluate(Input(5, cpu: 400) with { MaxMembers = 3 });

        Assert.Equal((ScalingAction.ScaleDown, 5, 3, (Guid?)null), (outcome.Action, outcome.From, outcome.To, outcome.DrainMemberId));
        Assert.Contains("maximum is 3 now", outcome.Reason);
    }

    [Fact]
    public void Scaling_out_stops_at_the_applications_maximum_and_reports_it()
    {
        var capped = ScalingEvaluator.Evaluate(Input(3, cpu: 560));
        Assert.Equal((ScalingAction.ScaleUp, 5), (capped.Action, capped.To));
        Assert.Contains("The application's maximum is 5: 8 are needed.", capped.Reason);

        var atMax = ScalingEvaluator.Evaluate(Input(5, cpu: 560));
        Assert.Equal((ScalingAction.AtMaximum, 5), (atMax.Action, atMax.To));
        Assert.Contains("no member can be added", atMax.Reason);
    }

    [Fact]
    public void Scaling_out_stops_where_the_partitions_are_full()
    {
        var outcome = ScalingEvaluator.Evaluate(Input(2, cpu: 350) with { Capacity = 3 });

        Assert.Equal((ScalingAction.ScaleUp, 3), (outcome.Action, outcome.To));
        Assert.Contains("reachable partitions hold 3 members: 5 are needed", outcome.Reason);
    }

    [Fact]
    public void Scaling_out_stops_at_the_tenants_quota_and_says_so()
    {
        var capped = ScalingEvaluator.Evaluate(Input(2, cpu: 350) with { QuotaRoom = 1 });
        Assert.Equal((ScalingAction.ScaleUp, 3), (capped.Action, capped.To));
        Assert.Contains("The tenant's quota lets it have 3 members: 5 are needed.", capped.Reason);

        var atQuota = ScalingEvaluator.Evaluate(Input(3, cpu: 350) with { QuotaRoom = 0 });
        Assert.Equal((ScalingAction.AtMaximum, 3), (atQuota.Action, atQuota.To));
        Assert.Contains("The tenant's quota lets it have 3 members: 5 are needed; no member can be added.", atQuota.Reason);
        Assert.Equal("quota", atQuota.Cause);

        // Room beyond the maximum leaves the maximum in charge.
        Assert.Contains("The application's maximum is 5", ScalingEvaluator.Evaluate(Input(3, cpu: 560) with { QuotaRoom = 10 }).Reason);
    }

    [Fact]
    public void A_second_scale_up_waits_for_the_cooldown()
    {
        var input = Input(3, cpu: 280) with { State = new ScalingState(T0.AddSeconds(-10), null, 0) };

        var waiting = ScalingEvaluator.Evaluate(input);
        Assert.Equal((ScalingAction.Wait, 3), (waiting.Action, waiting.To));
        Assert.Contains("scale-up cooldown (5 s left)", waiting.Reason);

        var later = ScalingEvaluator.Evaluate(input with { Now = T0.AddSeconds(6) });
        Assert.Equal((ScalingAction.ScaleUp, 4), (later.Action, later.To));
    }

    [Fact]
    public void Scaling_down_needs_fewer_members_wanted_for_n_evaluations_in_a_row()
    {
        var state = ScalingState.Initial;
        var actions = new List<ScalingAction>();
        foreach (var load in new double[] { 60, 60, 150, 60, 60, 60 })
        {
            var outcome = ScalingEvaluator.Evaluate(Input(3, cpu: load) with { State = state });
            actions.Add(outcome.Action);
            state = outcome.State;
        }

        // The 150 (still needing 3) resets the count; three quiet evaluations in a row then remove one member.
        Assert.Equal([ScalingAction.Wait, ScalingAction.Wait, ScalingAction.None, ScalingAction.Wait, ScalingAction.Wait, ScalingAction.ScaleDown], actions);
        Assert.Equal(0, state.ScaleDownWanted);
    }

    [Fact]
    public void A_steady_load_between_the_marks_keeps_the_members_there_are()
    {
        // 3 members carrying 150 (50% each, threshold 70): 2 would carry 75% each, over the threshold: keep 3.
        Assert.Equal(ScalingAction.None, ScalingEvaluator.Evaluate(Input(3, cpu: 150)).Action);

        // 2 would carry 60% each: under 70, but over the 80% headroom (56): keep 3 as well.
        Assert.Equal(ScalingAction.None, ScalingEvaluator.Evaluate(Input(3, cpu: 120)).Action);

        // 2 would carry 50% each: a member fewer is wanted.
        Assert.Equal(ScalingAction.Wait, ScalingEvaluator.Evaluate(Input(3, cpu: 100)).Action);
    }

    [Fact]
    public void The_load_is_counted_over_the_active_members_not_the_minimum()
    {
        // Stratos's load-average rule, ceil(min × average / threshold), asks min=1 × 60/70 → 1 member of 4 busy ones,
        // and so takes away what it just added. The total (4 × 60 = 240) needs 4.
        var outcome = ScalingEvaluator.Evaluate(Input(4, cpu: 240));

        Assert.Equal(ScalingAction.None, outcome.Action);
        Assert.Equal(4, outcome.Metrics[0].Required);
    }

    [Fact]
    public void Scaling_down_waits_for_members_still_starting_and_for_its_cooldown()
    {
        var starting = ScalingEvaluator.Evaluate(Input(3, cpu: 20) with { StartingMembers = 1, State = new ScalingState(null, null, 5) });
        Assert.Equal(ScalingAction.Wait, starting.Action);
        Assert.Contains("still starting", starting.Reason);

        var cooling = ScalingEvaluator.Evaluate(Input(3, cpu: 20) with { State = new ScalingState(T0.AddSeconds(-20), null, 5) });
        Assert.Equal(ScalingAction.Wait, cooling.Action);
        Assert.Contains("scale-down cooldown (10 s left)", cooling.Reason);
    }

    [Fact]
    public void Scaling_down_drains_the_least_loaded_member_of_the_partition_given_up_first()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), d = Guid.NewGuid();
        var input = Input(4, cpu: 40) with
        {
            State = new ScalingState(null, null, 2),
            Members =
            [
                new MemberReading(a, Regular.PartitionId, 2, 10), // least loaded overall, but on the regular partition
                new MemberReading(b, Regular.PartitionId, 30, 10),
                new MemberReading(c, Burst.PartitionId, 20, 10),
                new MemberReading(d, Burst.PartitionId, 12, 10), // least loaded on the burst partition, emptied first
            ],
        };

        var outcome = ScalingEvaluator.Evaluate(input);

        Assert.Equal((ScalingAction.ScaleDown, 3, d), (outcome.Action, outcome.To, outcome.DrainMemberId));
        Assert.Contains($"({d.ToString("N")[^8..]})", outcome.Reason);
        Assert.Equal(T0, outcome.State.LastScaleDownAt);
    }

    [Fact]
    public void Never_below_the_minimum_and_nothing_without_readings_or_during_a_rollout()
    {
        Assert.Equal(ScalingAction.None, ScalingEvaluator.Evaluate(Input(2, cpu: 0) with { MinMembers = 2 }).Action);
        Assert.Equal((ScalingAction.ScaleUp, 2), Pair(ScalingEvaluator.Evaluate(Input(1, cpu: 0) with { MinMembers = 2 })));
        Assert.Equal("No readings yet.", ScalingEvaluator.Evaluate(Input(2)).Reason);
        Assert.Equal(ScalingAction.Wait, ScalingEvaluator.Evaluate(Input(2, cpu: 300) with { RollingOut = true }).Action);

        static (ScalingAction, int) Pair(ScalingOutcome o) => (o.Action, o.To);
    }

    [Fact]
    public void A_rising_load_is_met_before_it_crosses_the_threshold_only_with_prediction()
    {
        // One member at 60% and rising 5%/s: in the 5 s a new member needs it will be at 85%, over 70.
        var rising = new MetricTrend(10, TimeSpan.FromSeconds(20), 45, 60, 5, 0);
        var input = Input(1) with { Trends = new Dictionary<ScalingMetric, MetricTrend?> { [ScalingMetric.Cpu] = rising } };

        var predicted = ScalingEvaluator.Evaluate(input);
        Assert.Equal((ScalingAction.ScaleUp, 2), (predicted.Action, predicted.To));
        Assert.Equal(85, predicted.Metrics[0].Predicted!.Value, 6);

        var thresholdOnly = ScalingEvaluator.Evaluate(input with { Policy = Policy(prediction: false) });
        Assert.Equal(ScalingAction.None, thresholdOnly.Action);
        Assert.Contains("prediction off", ScalingEvaluator.Evaluate(input with { Policy = Policy(prediction: false), DesiredMembers = 0, MinMembers = 0 }).Reason);
    }

    public static TheoryData<int> SteadyLoads() => [.. Enumerable.Range(2, 99).Select(i => i * 5)];

    /// <summary>
    /// A closed loop: a steady demand (in percent of one member) with ±10% noise, sampled every second, evaluated
    /// every 5 s, new members serving 4 s after being asked for, CPU saturating at 100% per member. Whatever the
    /// demand, the member count settles within two minutes (a load within a few percent of the threshold may add one
    /// member later), never goes up and then down (no oscillation), and ends where the threshold holds.
    /// </summary>
    [Theory]
    [MemberData(nameof(SteadyLoads))]
    public void A_steady_noisy_load_settles_and_never_oscillates(int demand)
    {
        var random = new Random(demand);
        var policy = new AutoscalingPolicy
        {
            Name = "steady",
            CpuPercent = 70,
            EvaluationInterval = TimeSpan.FromSeconds(5),
            Window = TimeSpan.FromSeconds(30),
            ScaleUpCooldown = TimeSpan.FromSeconds(10),
            ScaleDownCooldown = TimeSpan.FromSeconds(30),
            ScaleDownAfter = 3,
        };
        var load = new ApplicationLoad(policy.Window);
        var state = ScalingState.Initial;
        var desired = 1;
        var active = 1;
        var ready = new List<DateTimeOffset>(); // when asked-for members start serving
        var history = new List<(double Seconds, int Desired)>();

        for (var second = 0; second < 600; second++)
        {
            var now = T0.AddSeconds(second);
            active += ready.RemoveAll(r => r <= now);
            active = Math.Min(active, desired);
            var served = Math.Min(demand, 100.0 * active);
            load.Record(now, active, served * (1 + (random.NextDouble() - 0.5) * 0.2), null, null);

            if (second % 5 != 0)
            {
                continue;
            }

            var outcome = ScalingEvaluator.Evaluate(new ScalingInput
            {
                Now = now,
                Policy = policy,
                MinMembers = 1,
                MaxMembers = 20,
                DesiredMembers = desired,
                ActiveMembers = active,
                StartingMembers = desired - active,
                Capacity = 20,
                Horizon = TimeSpan.FromSeconds(4),
                Trends = load.Trends(now),
                State = state,
            });
            state = outcome.State;
            if (outcome.Action == ScalingAction.ScaleUp)
            {
                ready.AddRange(Enumerable.Repeat(now.AddSeconds(4), outcome.To - desired));
            }
            else if (outcome.Action == ScalingAction.ScaleDown)
            {
                active--;
            }

            if (outcome.To != desired)
            {
                history.Add((second, outcome.To));
            }

            desired = outcome.To;
        }

        var changes = history.Select(h => h.Desired).Prepend(1).ToList();
        var wentDown = changes.Zip(changes.Skip(1)).Any(p => p.Second < p.First);
        var wentUp = changes.Zip(changes.Skip(1)).Any(p => p.Second > p.First);
        Assert.False(wentUp && wentDown, $"demand {demand}: went both ways: {string.Join(", ", history)}");

        // Settled within two minutes; a load sitting within a few percent of the threshold may take one more member later.
        var late = history.Where(h => h.Seconds > 120).ToList();
        Assert.True(late.Count <= 1, $"demand {demand}: still changing after 2 minutes: {string.Join(", ", history)}");

        // Settled where the threshold holds: enough members for demand/70, not more than one beyond that.
        var needed = (int)Math.Ceiling(demand / 70.0);
        Assert.InRange(desired, needed, needed + 1);
    }
}
