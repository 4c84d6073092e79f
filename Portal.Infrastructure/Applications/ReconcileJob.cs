using Quartz;

namespace Portal.Infrastructure.Applications;

/// <summary>Runs a reconciliation pass on Quartz's schedule; never two at once.</summary>
[DisallowConcurrentExecution]
internal sealed class ReconcileJob(Reconciler reconciler) : IJob
{
    public static readonly JobKey Key = new("reconcile", "portal");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await reconciler.RunOnceAsync(cancellationToken);
}
