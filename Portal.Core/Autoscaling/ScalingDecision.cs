using Portal.Core.Tenancy;

namespace Portal.Core.Autoscaling;

/// <summary>
/// One entry of an application's decision log: an action the autoscaler took or held back, why, and the figures
/// behind it (each metric's samples, average, level, slope, acceleration, prediction and required members).
/// </summary>
public sealed class ScalingDecision : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid ApplicationId { get; init; }

    public DateTimeOffset At { get; init; }

    public ScalingAction Action { get; init; }

    public int FromMembers { get; init; }

    public int ToMembers { get; init; }

    public required string Reason { get; init; }

    /// <summary>The policy it followed, by name (a later rename or deletion leaves the log as it was).</summary>
    public required string Policy { get; init; }

    public bool Prediction { get; init; }

    public TimeSpan Horizon { get; init; }

    public int ActiveMembers { get; init; }

    /// <summary>The member drained by a scale-down.</summary>
    public Guid? DrainedMemberId { get; init; }

    public List<MetricEvaluation> Metrics { get; init; } = [];

    public static ScalingDecision Of(ScalingOutcome outcome, Guid tenantId, Guid applicationId, AutoscalingPolicy policy, int activeMembers, DateTimeOffset at) =>
        new()
        {
            TenantId = tenantId,
            ApplicationId = applicationId,
            At = at,
            Action = outcome.Action,
            FromMembers = outcome.From,
            ToMembers = outcome.To,
            Reason = outcome.Reason,
            Policy = policy.Name,
            Prediction = policy.Prediction,
            Horizon = outcome.Horizon,
            ActiveMembers = activeMembers,
            DrainedMemberId = outcome.DrainMemberId,
            Metrics = [.. outcome.Metrics],
        };
}
