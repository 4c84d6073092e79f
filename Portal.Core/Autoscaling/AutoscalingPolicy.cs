using Portal.Core.Common;

namespace Portal.Core.Autoscaling;

/// <summary>The metrics an autoscaling policy can watch.</summary>
public enum ScalingMetric
{
    /// <summary>CPU used, in percent of one member's CPU limit.</summary>
    Cpu,

    /// <summary>Memory used, in percent of one member's memory limit.</summary>
    Memory,

    /// <summary>Requests the router has in flight to the application.</summary>
    RequestsInFlight,
}

/// <summary>
/// When to add and remove members (admin-defined; a tenant picks one per application). Thresholds are per member:
/// the application needs as many members as its predicted load divided by the threshold, for each metric set, and
/// the largest of those counts wins. Unset thresholds are not watched; at least one is set.
/// </summary>
public sealed class AutoscalingPolicy
{
    /// <summary>A member fewer is wanted only when the load would then stay below this share of the threshold.</summary>
    public const double ScaleDownHeadroom = 0.8;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    /// <summary>CPU per member, percent of its limit (1..100).</summary>
    public int? CpuPercent { get; set; }

    /// <summary>Memory per member, percent of its limit (1..100).</summary>
    public int? MemoryPercent { get; set; }

    /// <summary>Requests in flight per member.</summary>
    public int? RequestsInFlight { get; set; }

    /// <summary>How often the application is evaluated.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far back samples count.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How far ahead the load is predicted; null: the time a new member took to become Active, measured.</summary>
    public TimeSpan? Horizon { get; set; }

    /// <summary>After adding members, how long before adding more.</summary>
    public TimeSpan ScaleUpCooldown { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After any change, how long before removing a member.</summary>
    public TimeSpan ScaleDownCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Evaluations in a row that must want fewer members before one goes.</summary>
    public int ScaleDownAfter { get; set; } = 3;

    /// <summary>Off: decide on the load as it is (threshold only), not as predicted.</summary>
    public bool Prediction { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    public int? Threshold(ScalingMetric metric) => metric switch
    {
        ScalingMetric.Cpu => CpuPercent,
        ScalingMetric.Memory => MemoryPercent,
        _ => RequestsInFlight,
    };
}

/// <summary>The rules a policy's settings follow; messages name their JSON field.</summary>
public static class AutoscalingRules
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxCooldown = TimeSpan.FromHours(1);
    public const int MaxRequestsInFlight = 10_000;
    public const int MaxScaleDownAfter = 100;

    public static IReadOnlyDictionary<string, string[]> Validate(
        string? name, int? cpuPercent, int? memoryPercent, int? requestsInFlight, TimeSpan evaluationInterval, TimeSpan window,
        TimeSpan? horizon, TimeSpan scaleUpCooldown, TimeSpan scaleDownCooldown, int scaleDownAfter)
    {
        var errors = new Dictionary<string, string[]>();
        if (!DnsLabel.IsValid(name, 2, 40))
        {
            errors["name"] = ["Use 2 to 40 lowercase letters, digits and single hyphens, starting with a letter."];
        }

        if (cpuPercent is < 1 or > 100)
        {
            errors["cpuPercent"] = ["CPU is a percent of a member's limit: 1 to 100."];
        }

        if (memoryPercent is < 1 or > 100)
        {
            errors["memoryPercent"] = ["Memory is a percent of a member's limit: 1 to 100."];
        }

        if (requestsInFlight is < 1 or > MaxRequestsInFlight)
        {
            errors["requestsInFlight"] = [$"Requests in flight per member: 1 to {MaxRequestsInFlight}."];
        }

        if (cpuPercent is null && memoryPercent is null && requestsInFlight is null)
        {
            errors["cpuPercent"] = ["Set at least one threshold: CPU %, memory % or requests in flight."];
        }

        if (evaluationInterval < MinInterval || evaluationInterval > MaxInterval)
        {
            errors["evaluationIntervalSeconds"] = ["Evaluate every 1 to 600 seconds."];
        }

        // An interval out of range is reported above; doubling it here could overflow.
        var shortestWindow = evaluationInterval < MinInterval || evaluationInterval > MaxInterval ? 2 * MinInterval : 2 * evaluationInterval;
        if (window < shortestWindow || window > MaxWindow)
        {
            errors["windowSeconds"] = ["The window spans at least two evaluation intervals and at most 3600 seconds."];
        }

        if (horizon is { } h && (h < TimeSpan.Zero || h > MaxHorizon))
        {
            errors["horizonSeconds"] = ["Predict 0 to 600 seconds ahead, or leave it empty to use the measured start-up time."];
        }
        else if (horizon > window && !errors.ContainsKey("windowSeconds"))
        {
            errors["horizonSeconds"] = ["Predict at most as far ahead as the window looks back."];
        }

        if (scaleUpCooldown < TimeSpan.Zero || scaleUpCooldown > MaxCooldown)
        {
            errors["scaleUpCooldownSeconds"] = ["A cooldown is 0 to 3600 seconds."];
        }

        if (scaleDownCooldown < TimeSpan.Zero || scaleDownCooldown > MaxCooldown)
        {
            errors["scaleDownCooldownSeconds"] = ["A cooldown is 0 to 3600 seconds."];
        }

        if (scaleDownAfter is < 1 or > MaxScaleDownAfter)
        {
            errors["scaleDownAfter"] = [$"Scale down after 1 to {MaxScaleDownAfter} evaluations in a row."];
        }

        return errors;
    }
}

/// <summary>The default prediction horizon: how long a new member takes from being asked for to serving.</summary>
public static class StartupHorizon
{
    /// <summary>Used until a member has been seen starting.</summary>
    public static readonly TimeSpan Fallback = TimeSpan.FromSeconds(10);

    /// <summary>The median of the measured start-up times (created to Active), or <see cref="Fallback"/> without any.</summary>
    public static TimeSpan Measure(IEnumerable<TimeSpan> startups)
    {
        var sorted = startups.Where(s => s > TimeSpan.Zero).Order().ToList();
        if (sorted.Count == 0)
        {
            return Fallback;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
