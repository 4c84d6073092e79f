using Quartz;

namespace Portal.Infrastructure.Autoscaling;

/// <summary>Measures and evaluates on Quartz's schedule; never two at once.</summary>
[DisallowConcurrentExecution]
internal sealed class AutoscaleJob(Autoscaler autoscaler) : IJob
{
    public static readonly JobKey Key = new("autoscale", "portal");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await autoscaler.RunOnceAsync(cancellationToken);
}
