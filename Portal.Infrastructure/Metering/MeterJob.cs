using Quartz;

namespace Portal.Infrastructure.Metering;

/// <summary>Meters every member on Quartz's schedule; never two at once.</summary>
[DisallowConcurrentExecution]
internal sealed class MeterJob(Meter meter) : IJob
{
    public static readonly JobKey Key = new("meter", "portal");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await meter.RunOnceAsync(cancellationToken);
}
