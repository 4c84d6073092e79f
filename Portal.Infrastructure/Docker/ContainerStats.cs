using Microsoft.Extensions.Logging;
using Portal.Core.Autoscaling;
using Portal.Core.Partitions;
using Portal.Infrastructure.Partitions;

namespace Portal.Infrastructure.Docker;

/// <summary>
/// One reading of a member's container from its partition's engine, for the autoscaler and the health sampler. A
/// partition known to be unreachable is not asked; a reading that fails or takes longer than <see cref="Timeout"/> is
/// missed (null): the callers cope with a missed reading, not with a late round.
/// </summary>
public sealed partial class ContainerStats(DockerEngines engines, PartitionMonitor monitor, ILogger<ContainerStats> logger)
{
    /// <summary>Docker answers a stats call from its next once-a-second collection.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<ContainerUsage?> ReadAsync(Partition partition, Guid member, string containerId, Guid installation, CancellationToken cancellationToken)
    {
        if (monitor.StatusOf(partition.Id)?.Reachable == false)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var runtime = new DockerContainerRuntime(engines.For(partition.Endpoint, partition.TlsCertificateDirectory), installation);
            return await runtime.UsageAsync(containerId, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogReadingFailed(member, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No stats for member {Member}: {Reason}")]
    private partial void LogReadingFailed(Guid member, string reason);
}
