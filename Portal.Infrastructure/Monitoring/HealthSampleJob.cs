using Quartz;

namespace Portal.Infrastructure.Monitoring;

/// <summary>Measures every member on Quartz's schedule; never two rounds at once.</summary>
[DisallowConcurrentExecution]
internal sealed class HealthSampleJob(HealthSampler sampler) : IJob
{
    public static readonly JobKey Key = new("health-sample", "portal");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sampler.RunOnceAsync(cancellationToken);
}
