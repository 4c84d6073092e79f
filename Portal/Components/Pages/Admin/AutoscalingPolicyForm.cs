using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Portal.Core.Autoscaling;
using Portal.Core.Common;
using Portal.Infrastructure.Autoscaling;

namespace Portal.Components.Pages.Admin;

/// <summary>
/// The admin console's autoscaling policy form (new or edited). Its properties are named as the API's fields (cpuPercent is
/// <see cref="CpuPercent"/>, ...), so the service's errors land under their fields as they are. On submit it checks
/// every field with <see cref="AutoscalingRules"/>, the service's own rules; the service checks again (and whether the
/// name is taken). Times are in seconds; an empty one takes the default (the horizon's: the measured start-up time).
/// </summary>
public sealed class AutoscalingPolicyForm : IValidatableObject
{
    private static readonly AutoscalingPolicy Defaults = new() { Name = "" };

    /// <summary>The properties with a field on the form; each is the API's field name, capitalized.</summary>
    private static readonly HashSet<string> Fields =
    [
        nameof(Name), nameof(CpuPercent), nameof(MemoryPercent), nameof(RequestsInFlight), nameof(EvaluationIntervalSeconds),
        nameof(WindowSeconds), nameof(HorizonSeconds), nameof(ScaleUpCooldownSeconds), nameof(ScaleDownCooldownSeconds),
        nameof(ScaleDownAfter), nameof(Prediction),
    ];

    public string Name { get; set; } = "";

    /// <summary>CPU per member, percent of its limit; empty: not watched.</summary>
    public int? CpuPercent { get; set; } = 70;

    /// <summary>Memory per member, percent of its limit; empty: not watched.</summary>
    public int? MemoryPercent { get; set; }

    /// <summary>Requests in flight per member; empty: not watched.</summary>
    public int? RequestsInFlight { get; set; }

    public double? EvaluationIntervalSeconds { get; set; } = Defaults.EvaluationInterval.TotalSeconds;

    public double? WindowSeconds { get; set; } = Defaults.Window.TotalSeconds;

    /// <summary>Empty: the time a new member took to become Active, measured.</summary>
    public double? HorizonSeconds { get; set; }

    public double? ScaleUpCooldownSeconds { get; set; } = Defaults.ScaleUpCooldown.TotalSeconds;

    public double? ScaleDownCooldownSeconds { get; set; } = Defaults.ScaleDownCooldown.TotalSeconds;

    public int? ScaleDownAfter { get; set; } = Defaults.ScaleDownAfter;

    public bool Prediction { get; set; } = Defaults.Prediction;

    /// <summary>The form of an existing policy, to edit.</summary>
    public static AutoscalingPolicyForm From(AutoscalingPolicy policy) => new()
    {
        Name = policy.Name, CpuPercent = policy.CpuPercent, MemoryPercent = policy.MemoryPercent, RequestsInFlight = policy.RequestsInFlight,
        EvaluationIntervalSeconds = policy.EvaluationInterval.TotalSeconds, WindowSeconds = policy.Window.TotalSeconds,
        HorizonSeconds = policy.Horizon?.TotalSeconds, ScaleUpCooldownSeconds = policy.ScaleUpCooldown.TotalSeconds,
        ScaleDownCooldownSeconds = policy.ScaleDownCooldown.TotalSeconds, ScaleDownAfter = policy.ScaleDownAfter, Prediction = policy.Prediction,
    };

    /// <summary>What the service is asked for (the name trimmed; empty times: the service's defaults).</summary>
    public AutoscalingPolicyInput ToInput() => new(
        Name.Trim(), CpuPercent, MemoryPercent, RequestsInFlight, EvaluationIntervalSeconds, WindowSeconds, HorizonSeconds,
        ScaleUpCooldownSeconds, ScaleDownCooldownSeconds, ScaleDownAfter, Prediction);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Empty times take the defaults the service gives them (a window at least two intervals long).
        var interval = Seconds(EvaluationIntervalSeconds) ?? Defaults.EvaluationInterval;
        var window = Seconds(WindowSeconds) ?? TimeSpan.FromTicks(Math.Max(Defaults.Window.Ticks, 2 * interval.Ticks));
        var errors = AutoscalingRules.Validate(
            Name.Trim(), CpuPercent, MemoryPercent, RequestsInFlight, interval, window, Seconds(HorizonSeconds),
            Seconds(ScaleUpCooldownSeconds) ?? Defaults.ScaleUpCooldown, Seconds(ScaleDownCooldownSeconds) ?? Defaults.ScaleDownCooldown,
            ScaleDownAfter ?? Defaults.ScaleDownAfter);
        return from error in FieldErrors(errors)
               from message in error.Value
               select new ValidationResult(message, [PropertyOf(error.Key)!]);
    }

    /// <summary>The errors (of the rules or the service) that belong to one of the form's fields, by the API's field name.</summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(IReadOnlyDictionary<string, string[]>? errors) =>
        (errors ?? new Dictionary<string, string[]>()).Where(e => PropertyOf(e.Key) is not null).ToDictionary(e => e.Key, e => e.Value);

    /// <summary>What of <paramref name="failure"/> has no field on the form (shown above the button), or null.</summary>
    public static string? OtherErrors(Failure failure) => failure.Errors is { Count: > 0 } errors
        ? string.Join(" ", errors.Where(e => PropertyOf(e.Key) is null).SelectMany(e => e.Value)) is { Length: > 0 } text ? text : null
        : failure.Message;

    /// <summary>The form's property for the API's (camelCase) <paramref name="field"/>; null when the form has none.</summary>
    private static string? PropertyOf(string field) =>
        field.Length > 0 && Fields.Contains(char.ToUpperInvariant(field[0]) + field[1..]) ? char.ToUpperInvariant(field[0]) + field[1..] : null;

    // Out-of-range values (even absurd ones) become a time the rules refuse, as the service does.
    private static TimeSpan? Seconds(double? value) => value switch
    {
        null => null,
        { } s when double.IsFinite(s) && Math.Abs(s) < 1e6 => TimeSpan.FromSeconds(s),
        _ => TimeSpan.MinValue,
    };
}

/// <summary>How the policies table and the decision log show a policy's settings.</summary>
public static class AutoscalingLabels
{
    /// <summary>The thresholds a policy watches, such as "CPU 70 % · requests 20"; "—" without any.</summary>
    public static string Thresholds(AutoscalingPolicy policy) =>
        string.Join(" · ", new[]
        {
            policy.CpuPercent is { } cpu ? $"CPU {cpu} %" : null,
            policy.MemoryPercent is { } memory ? $"memory {memory} %" : null,
            policy.RequestsInFlight is { } requests ? $"requests {requests}" : null,
        }.OfType<string>()) is { Length: > 0 } text ? text : "—";

    /// <summary>5 s, 1.5 s, 2 min, 1 min 30 s.</summary>
    public static string Seconds(TimeSpan time) => time.TotalSeconds switch
    {
        < 60 => $"{time.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
        var s when s % 60 == 0 => $"{s / 60:0} min",
        var s => $"{Math.Floor(s / 60):0} min {(s % 60).ToString("0.#", CultureInfo.InvariantCulture)} s",
    };

    /// <summary>The prediction horizon: a time, or the measured start-up time when none is set.</summary>
    public static string Horizon(TimeSpan? horizon) => horizon is { } h ? Seconds(h) : "measured start-up time";
}
