using System.ComponentModel.DataAnnotations;
using System.Globalization;
using MudBlazor;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Cartridges;
using Portal.Core.Common;

namespace Portal.Components.Pages.Applications;

/// <summary>
/// The autoscaling card's form: the policy that scales the application (empty: none, scaled by hand) and its bounds.
/// Its properties are named as the service's fields (autoscalingPolicy, minMembers, maxMembers), so the service's errors
/// land under their fields; <see cref="ApplicationRules"/> checks the bounds on submit, as the service does.
/// </summary>
public sealed class AutoscalingModel : IValidatableObject
{
    private static readonly HashSet<string> Fields = ["autoscalingPolicy", "minMembers", "maxMembers"];

    /// <summary>The application's name (the rules check the bounds of an application by name).</summary>
    public string Application { get; set; } = "";

    /// <summary>The policy's name; empty for none.</summary>
    public string AutoscalingPolicy { get; set; } = "";

    public int MinMembers { get; set; } = 1;

    public int MaxMembers { get; set; } = 1;

    /// <summary>The policy to ask for: null for none.</summary>
    public string? PolicyOrNone => AutoscalingPolicy.Length == 0 ? null : AutoscalingPolicy;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        from error in FieldErrors(ApplicationRules.Validate(
            new ApplicationRequest(Application, CartridgeCategory.Framework, MinMembers, MaxMembers, []), new HashSet<string>()))
        from message in error.Value
        select new ValidationResult(message, [char.ToUpperInvariant(error.Key[0]) + error.Key[1..]]);

    /// <summary>The errors (of the rules or the service) that belong to one of the form's fields.</summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(IReadOnlyDictionary<string, string[]>? errors) =>
        (errors ?? new Dictionary<string, string[]>()).Where(e => Fields.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value);

    /// <summary>What of <paramref name="failure"/> has no field on the form (shown in the card), or null.</summary>
    public static string? OtherErrors(Failure failure) => failure.Errors is { Count: > 0 } errors
        ? string.Join(" ", errors.Where(e => !Fields.Contains(e.Key)).SelectMany(e => e.Value)) is { Length: > 0 } text ? text : null
        : failure.Message;
}

/// <summary>What the autoscaling card and the decision timeline say: actions, their colours, members and figures.</summary>
public static class ScalingLabels
{
    /// <summary>The decisions the timeline shows.</summary>
    public const int TimelineLength = 30;

    public const string NoPolicy = "Off — scale by hand";

    public const string NoDecisions = "No decisions yet: the autoscaler logs each change it makes or holds back.";

    public static string PolicyLabel(string? policy) => string.IsNullOrEmpty(policy) ? NoPolicy : policy;

    public static string Of(ScalingAction action) => action switch
    {
        ScalingAction.ScaleUp => "scale up",
        ScalingAction.ScaleDown => "scale down",
        ScalingAction.Wait => "waiting",
        ScalingAction.AtMaximum => "at maximum",
        _ => "steady",
    };

    public static Color ColorOf(ScalingAction action) => action switch
    {
        ScalingAction.ScaleUp => Color.Success,
        ScalingAction.ScaleDown => Color.Info,
        ScalingAction.Wait => Color.Warning,
        ScalingAction.AtMaximum => Color.Error,
        _ => Color.Default,
    };

    public static string IconOf(ScalingAction action) => action switch
    {
        ScalingAction.ScaleUp => Icons.Material.Filled.TrendingUp,
        ScalingAction.ScaleDown => Icons.Material.Filled.TrendingDown,
        ScalingAction.Wait => Icons.Material.Filled.HourglassEmpty,
        ScalingAction.AtMaximum => Icons.Material.Filled.VerticalAlignTop,
        _ => Icons.Material.Filled.TrendingFlat,
    };

    /// <summary>"2 → 3 members".</summary>
    public static string Members(int from, int to) => $"{from} → {to} {(to == 1 ? "member" : "members")}";

    public static string MetricOf(ScalingMetric metric) => metric switch
    {
        ScalingMetric.Cpu => "CPU (%)",
        ScalingMetric.Memory => "Memory (%)",
        _ => "Requests in flight",
    };

    /// <summary>The policy, horizon and prediction a decision followed, such as "policy web-cpu · predicted 10 s ahead".</summary>
    public static string Basis(ScalingDecision decision) =>
        $"policy {decision.Policy} · "
        + (decision.Prediction ? $"predicted {Figure(decision.Horizon.TotalSeconds)} s ahead" : "no prediction (threshold only)")
        + $" · {decision.ActiveMembers} active";

    /// <summary>A figure to one decimal (12.3, 4, -0.5); a dash for none.</summary>
    public static string Figure(double? value) => Format(value, 1);

    /// <summary>A rate of change, finer (0.05, -1.25); a dash for none.</summary>
    public static string Rate(double? value) => Format(value, 3);

    public static string Whole(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "—";

    private static string Format(double? value, int decimals) => value switch
    {
        null => "—",
        { } v when double.IsFinite(v) => (Math.Round(v, decimals, MidpointRounding.AwayFromZero) + 0.0) // + 0.0: no "-0"
            .ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture),
        { } v => v.ToString(CultureInfo.InvariantCulture),
    };
}
