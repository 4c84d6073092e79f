using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Autoscaling;
using Portal.Infrastructure.Autoscaling;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>
/// Autoscaling policies (platform admins define them; every signed-in user reads them to choose one), which policy
/// scales one of the caller's applications, and its decision log. Another tenant's application answers 404.
/// </summary>
public static class AutoscalingApi
{
    public static IEndpointRouteBuilder MapAutoscalingApi(this IEndpointRouteBuilder app)
    {
        var policies = app.MapGroup("/api/v1/autoscaling-policies").WithTags("Autoscaling").RequireAuthorization(PortalPolicies.ApiUser);
        policies.MapGet("/", ListAsync).WithName("ListAutoscalingPolicies").WithSummary("The autoscaling policies an application can use.");
        policies.MapGet("/{name}", GetAsync).WithName("GetAutoscalingPolicy").WithSummary("One autoscaling policy.");
        policies.MapPost("/", CreateAsync).WithName("CreateAutoscalingPolicy")
            .WithSummary("Defines a policy: thresholds per member (cpuPercent, memoryPercent, requestsInFlight), interval, window, horizon, cooldowns (platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        policies.MapPut("/{name}", UpdateAsync).WithName("UpdateAutoscalingPolicy")
            .WithSummary("Changes a policy's settings; applications using it follow at their next evaluation (platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);
        policies.MapDelete("/{name}", DeleteAsync).WithName("DeleteAutoscalingPolicy")
            .WithSummary("Deletes a policy no application uses (platform admin).")
            .RequireAuthorization(PortalPolicies.PlatformAdmin);

        var applications = app.MapGroup("/api/v1/applications").WithTags("Autoscaling").RequireAuthorization(PortalPolicies.ApiUser);
        applications.MapPut("/{name}/autoscaling", SetAsync).WithName("SetApplicationAutoscaling")
            .WithSummary("Names the policy that scales the application (null: scaled by hand) and optionally its min and max members.");
        applications.MapGet("/{name}/scaling-decisions", DecisionsAsync).WithName("ListScalingDecisions")
            .WithSummary("The application's autoscaling decisions, newest first: action, reason and the figures behind it.");
        return app;
    }

    public static async Task<Ok<IEnumerable<AutoscalingPolicyResponse>>> ListAsync(AutoscalingService autoscaling, CancellationToken cancellationToken) =>
        TypedResults.Ok((await autoscaling.ListPoliciesAsync(cancellationToken)).Select(AutoscalingPolicyResponse.From));

    public static async Task<Results<Ok<AutoscalingPolicyResponse>, NotFound>> GetAsync(
        string name, AutoscalingService autoscaling, CancellationToken cancellationToken) =>
        await autoscaling.GetPolicyAsync(name, cancellationToken) is { } policy
            ? TypedResults.Ok(AutoscalingPolicyResponse.From(policy))
            : TypedResults.NotFound();

    public static async Task<Results<Created<AutoscalingPolicyResponse>, ProblemHttpResult>> CreateAsync(
        AutoscalingPolicyRequest request, AutoscalingService autoscaling, CancellationToken cancellationToken)
    {
        var result = await autoscaling.CreatePolicyAsync(request.ToInput(request.Name), cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/autoscaling-policies/{result.Value!.Name}", AutoscalingPolicyResponse.From(result.Value))
            : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<AutoscalingPolicyResponse>, ProblemHttpResult>> UpdateAsync(
        string name, AutoscalingPolicyRequest request, AutoscalingService autoscaling, CancellationToken cancellationToken)
    {
        var result = await autoscaling.UpdatePolicyAsync(name, request.ToInput(name), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(AutoscalingPolicyResponse.From(result.Value!)) : result.Failure!.Problem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, AutoscalingService autoscaling, CancellationToken cancellationToken)
    {
        var result = await autoscaling.DeletePolicyAsync(name, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<ApplicationAutoscalingResponse>, ProblemHttpResult>> SetAsync(
        string name, ApplicationAutoscalingRequest request, AutoscalingService autoscaling, CancellationToken cancellationToken)
    {
        var result = await autoscaling.SetApplicationPolicyAsync(name, request.AutoscalingPolicy, request.MinMembers, request.MaxMembers, cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new ApplicationAutoscalingResponse(name, string.IsNullOrEmpty(request.AutoscalingPolicy) ? null : request.AutoscalingPolicy))
            : result.Failure!.Problem();
    }

    public static async Task<Results<Ok<IEnumerable<ScalingDecisionResponse>>, NotFound>> DecisionsAsync(
        string name, AutoscalingService autoscaling, CancellationToken cancellationToken, int? limit = null) =>
        await autoscaling.DecisionsAsync(name, limit ?? 100, cancellationToken) is { } decisions
            ? TypedResults.Ok(decisions.Select(ScalingDecisionResponse.From))
            : TypedResults.NotFound();
}

/// <summary>A policy as sent: thresholds per member, times in seconds; unset settings take the defaults.</summary>
public sealed record AutoscalingPolicyRequest(
    [MaxLength(40)] string? Name,
    int? CpuPercent,
    int? MemoryPercent,
    int? RequestsInFlight,
    double? EvaluationIntervalSeconds,
    double? WindowSeconds,
    double? HorizonSeconds,
    double? ScaleUpCooldownSeconds,
    double? ScaleDownCooldownSeconds,
    int? ScaleDownAfter,
    bool? Prediction)
{
    public AutoscalingPolicyInput ToInput(string? name) => new(name, CpuPercent, MemoryPercent, RequestsInFlight, EvaluationIntervalSeconds,
        WindowSeconds, HorizonSeconds, ScaleUpCooldownSeconds, ScaleDownCooldownSeconds, ScaleDownAfter, Prediction);
}

public sealed record AutoscalingPolicyResponse(
    string Name, int? CpuPercent, int? MemoryPercent, int? RequestsInFlight, double EvaluationIntervalSeconds, double WindowSeconds,
    double? HorizonSeconds, double ScaleUpCooldownSeconds, double ScaleDownCooldownSeconds, int ScaleDownAfter, bool Prediction)
{
    public static AutoscalingPolicyResponse From(AutoscalingPolicy p) =>
        new(p.Name, p.CpuPercent, p.MemoryPercent, p.RequestsInFlight, p.EvaluationInterval.TotalSeconds, p.Window.TotalSeconds,
            p.Horizon?.TotalSeconds, p.ScaleUpCooldown.TotalSeconds, p.ScaleDownCooldown.TotalSeconds, p.ScaleDownAfter, p.Prediction);
}

/// <summary>The policy that scales the application (null or empty: none) and, optionally, new bounds.</summary>
public sealed record ApplicationAutoscalingRequest([MaxLength(40)] string? AutoscalingPolicy, int? MinMembers, int? MaxMembers);

public sealed record ApplicationAutoscalingResponse(string Name, string? AutoscalingPolicy);

public sealed record ScalingDecisionResponse(
    DateTimeOffset At, ScalingAction Action, int FromMembers, int ToMembers, int ActiveMembers, string Reason, string Policy,
    bool Prediction, double HorizonSeconds, Guid? DrainedMember, IReadOnlyList<MetricEvaluationResponse> Metrics)
{
    public static ScalingDecisionResponse From(ScalingDecision d) =>
        new(d.At, d.Action, d.FromMembers, d.ToMembers, d.ActiveMembers, d.Reason, d.Policy, d.Prediction, d.Horizon.TotalSeconds,
            d.DrainedMemberId, [.. d.Metrics.Select(MetricEvaluationResponse.From)]);
}

/// <summary>One metric in a decision: its threshold, the window's figures (average, level s0, slope u, acceleration a), the prediction and the members it needs.</summary>
public sealed record MetricEvaluationResponse(
    ScalingMetric Metric, int Threshold, int Samples, double? Average, double? Level, double? Slope, double? Acceleration,
    double? Predicted, int? RequiredMembers)
{
    public static MetricEvaluationResponse From(MetricEvaluation m) =>
        new(m.Metric, m.Threshold, m.Samples, m.Average, m.Level, m.Slope, m.Acceleration, m.Predicted, m.Required);
}
