using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Tenancy;

namespace Portal.Infrastructure.Autoscaling;

/// <summary>An autoscaling policy as given (API or form); times in seconds. Unset settings take the defaults.</summary>
public sealed record AutoscalingPolicyInput(
    string? Name,
    int? CpuPercent,
    int? MemoryPercent,
    int? RequestsInFlight,
    double? EvaluationIntervalSeconds = null,
    double? WindowSeconds = null,
    double? HorizonSeconds = null,
    double? ScaleUpCooldownSeconds = null,
    double? ScaleDownCooldownSeconds = null,
    int? ScaleDownAfter = null,
    bool? Prediction = null);

/// <summary>
/// Autoscaling policies (platform-wide: admins define them, every tenant may read and use them) and, for the caller's
/// tenant, which policy scales an application and its decision log. Application queries go through the tenant filter.
/// </summary>
public sealed class AutoscalingService(PortalDbContext db, TenantQuotas quotas, TimeProvider clock)
{
    public const string DataNotScaled = "A data application runs one member (its data lives on one volume); it cannot be autoscaled.";

    public static string NoSuchPolicy(string name) => $"There is no autoscaling policy named '{name}'.";

    public async Task<IReadOnlyList<AutoscalingPolicy>> ListPoliciesAsync(CancellationToken cancellationToken) =>
        await db.AutoscalingPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);

    public async Task<AutoscalingPolicy?> GetPolicyAsync(string name, CancellationToken cancellationToken) =>
        await db.AutoscalingPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);

    public async Task<Result<AutoscalingPolicy>> CreatePolicyAsync(AutoscalingPolicyInput input, CancellationToken cancellationToken)
    {
        var policy = new AutoscalingPolicy { Name = input.Name ?? "", CreatedAt = clock.GetUtcNow() };
        if (Apply(policy, input) is { } invalid)
        {
            return invalid;
        }

        if (await db.AutoscalingPolicies.AnyAsync(p => p.Name == policy.Name, cancellationToken))
        {
            return Failure.Conflict("name", $"An autoscaling policy named '{policy.Name}' exists already.");
        }

        db.AutoscalingPolicies.Add(policy);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(policy).State = EntityState.Detached; // a page's long-lived context must not try it again
            return Failure.Conflict("name", $"An autoscaling policy named '{policy.Name}' exists already.");
        }

        return policy;
    }

    /// <summary>Changes a policy's settings (not its name); the applications using it follow at their next evaluation.</summary>
    public async Task<Result<AutoscalingPolicy>> UpdatePolicyAsync(string name, AutoscalingPolicyInput input, CancellationToken cancellationToken)
    {
        var policy = await db.AutoscalingPolicies.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (policy is null)
        {
            return Failure.NotFound(NoSuchPolicy(name));
        }

        if (Apply(policy, input with { Name = name }) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        return policy;
    }

    /// <summary>Deletes a policy no application uses; one in use is refused with the applications that use it.</summary>
    public async Task<Result<string>> DeletePolicyAsync(string name, CancellationToken cancellationToken)
    {
        var policy = await db.AutoscalingPolicies.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (policy is null)
        {
            return Failure.NotFound(NoSuchPolicy(name));
        }

        // Every tenant's applications: only platform admins delete policies.
        var users = await db.ApplicationsAcrossTenantsAsync(a => a.AutoscalingPolicyId == policy.Id, cancellationToken);
        if (users.Count > 0)
        {
            return Failure.Conflict("name", $"'{name}' scales {users.Count} application(s): {string.Join(", ", users.Take(20))}. "
                                            + "Give them another policy (or none) first.");
        }

        db.AutoscalingPolicies.Remove(policy);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // An application chose it meanwhile (the key refuses the delete).
            db.ChangeTracker.Clear();
            return Failure.Conflict("name", $"'{name}' was given to an application meanwhile; give it another policy (or none) first.");
        }

        return name;
    }

    /// <summary>
    /// Sets which policy scales the caller's application (null: none, scaled by hand) and, optionally, its min and max.
    /// The desired count is kept within the new bounds.
    /// </summary>
    public async Task<Result<string>> SetApplicationPolicyAsync(
        string application, string? policyName, int? minMembers, int? maxMembers, CancellationToken cancellationToken)
    {
        var row = await (from a in db.Applications.AsNoTracking()
                         join c in db.Cartridges on a.CartridgeId equals c.Id
                         where a.Name == application
                         select new { Application = a, c.Category, c.MemoryLimitMb }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return Failure.NotFound($"You have no application named '{application}'.");
        }

        var app = row.Application;
        Guid? policyId = null;
        if (!string.IsNullOrEmpty(policyName))
        {
            if (row.Category == CartridgeCategory.Data)
            {
                return Failure.Validation("autoscalingPolicy", DataNotScaled);
            }

            policyId = await db.AutoscalingPolicies.Where(p => p.Name == policyName).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken);
            if (policyId is null)
            {
                return Failure.Validation("autoscalingPolicy", NoSuchPolicy(policyName));
            }
        }

        var min = minMembers ?? app.MinMembers;
        var max = maxMembers ?? Math.Max(app.MaxMembers, min);
        var errors = ApplicationRules.Validate(
            new ApplicationRequest(app.Name, row.Category, min, max, []), new HashSet<string>(StringComparer.Ordinal));
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The application's bounds are not valid.", errors);
        }

        if (min > app.DesiredMembers)
        {
            var (quota, usage) = await quotas.OfCallerAsync(cancellationToken);
            if (QuotaRules.CheckMoreMembers(quota, usage, min - app.DesiredMembers, row.MemoryLimitMb) is { } overQuota)
            {
                return Failure.Conflict("minMembers", overQuota);
            }
        }

        // One statement, the desired count clamped as it is in the database (the autoscaler may have just changed it).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Applications.Where(a => a.Id == app.Id).ExecuteUpdateAsync(a => a
            .SetProperty(x => x.AutoscalingPolicyId, policyId)
            .SetProperty(x => x.MinMembers, min)
            .SetProperty(x => x.MaxMembers, max)
            .SetProperty(x => x.DesiredMembers, x => x.DesiredMembers < min ? min : x.DesiredMembers > max ? max : x.DesiredMembers),
            cancellationToken);
        db.Audit(AuditAction.Modified, nameof(Application), app.Id.ToString(), app.Name, app.TenantId,
            new { app.AutoscalingPolicyId, app.MinMembers, app.MaxMembers }, new { AutoscalingPolicyId = policyId, MinMembers = min, MaxMembers = max });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return app.Name;
    }

    /// <summary>The caller's application's decision log, newest first; null when the caller has no such application.</summary>
    public async Task<IReadOnlyList<ScalingDecision>?> DecisionsAsync(string application, int limit, CancellationToken cancellationToken)
    {
        var id = await db.Applications.Where(a => a.Name == application).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return null;
        }

        return await db.ScalingDecisions.AsNoTracking()
            .Where(d => d.ApplicationId == id)
            .OrderByDescending(d => d.At)
            .Take(Math.Clamp(limit, 1, 500))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Validates the input and, when valid, sets it on the policy; the failure otherwise.</summary>
    private static Failure? Apply(AutoscalingPolicy policy, AutoscalingPolicyInput input)
    {
        var defaults = new AutoscalingPolicy { Name = policy.Name };
        static TimeSpan Seconds(double? value, TimeSpan fallback) =>
            value is { } s && double.IsFinite(s) && Math.Abs(s) < 1e6 ? TimeSpan.FromSeconds(s) : value is null ? fallback : TimeSpan.MinValue;
        var interval = Seconds(input.EvaluationIntervalSeconds, defaults.EvaluationInterval);
        var window = Seconds(input.WindowSeconds, TimeSpan.FromTicks(Math.Max(defaults.Window.Ticks, 2 * interval.Ticks)));
        TimeSpan? horizon = input.HorizonSeconds is null ? null : Seconds(input.HorizonSeconds, TimeSpan.Zero);
        var up = Seconds(input.ScaleUpCooldownSeconds, defaults.ScaleUpCooldown);
        var down = Seconds(input.ScaleDownCooldownSeconds, defaults.ScaleDownCooldown);
        var after = input.ScaleDownAfter ?? defaults.ScaleDownAfter;
        var errors = AutoscalingRules.Validate(input.Name, input.CpuPercent, input.MemoryPercent, input.RequestsInFlight,
            interval, window, horizon, up, down, after);
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The autoscaling policy is not valid.", errors);
        }

        policy.CpuPercent = input.CpuPercent;
        policy.MemoryPercent = input.MemoryPercent;
        policy.RequestsInFlight = input.RequestsInFlight;
        policy.EvaluationInterval = interval;
        policy.Window = window;
        policy.Horizon = horizon;
        policy.ScaleUpCooldown = up;
        policy.ScaleDownCooldown = down;
        policy.ScaleDownAfter = after;
        policy.Prediction = input.Prediction ?? true;
        return null;
    }
}
