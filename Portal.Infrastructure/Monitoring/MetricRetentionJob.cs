using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Persistence;
using Quartz;

namespace Portal.Infrastructure.Monitoring;

/// <summary>
/// Keeps the metric samples bounded (<see cref="HealthOptions"/>): samples older than <c>KeepFor</c> are removed, then
/// raw samples older than <c>RawFor</c> are replaced by their averages over <c>Span</c> (in one transaction: a sample is
/// never lost or counted twice). Never two runs at once.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class MetricRetentionJob(PortalDbContext db, IOptions<HealthOptions> options, TimeProvider clock, ILogger<MetricRetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("metric-retention", "portal");

    /// <summary>Raw samples averaged per transaction, so a long backlog never holds one huge transaction.</summary>
    private const int Batch = 20_000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunOnceAsync(cancellationToken);

    /// <summary>One pass; returns how many raw samples were averaged and how many samples removed.</summary>
    public async Task<(int Averaged, int Removed)> RunOnceAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.Retention;
        var now = clock.GetUtcNow();
        var cutoff = retention.RemoveBefore(now);
        var removed = await db.MetricSamples.IgnoreQueryFilters().Where(s => s.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        var before = retention.DownsampleBefore(now);
        var averaged = 0;
        while (true)
        {
            // Whole spans only: the batch ends at a span boundary (the rest of that span waits for the next batch).
            var raw = await db.MetricSamples.IgnoreQueryFilters()
                .Where(s => s.Seconds == 0 && s.At < before)
                .OrderBy(s => s.At)
                .Take(Batch)
                .ToListAsync(cancellationToken);
            if (raw.Count == 0)
            {
                break;
            }

            if (raw.Count == Batch)
            {
                var lastSpan = MetricRetention.SpanStart(raw[^1].At, retention.Span);
                var whole = raw.Where(s => s.At < lastSpan).ToList();
                raw = whole.Count > 0 ? whole : raw; // a single span larger than a batch is averaged in parts
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.MetricSamples.AddRange(MetricRetention.Downsample(raw, retention.Span));
            db.MetricSamples.RemoveRange(raw);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            averaged += raw.Count;
        }

        if (averaged > 0 || removed > 0)
        {
            LogRetained(averaged, removed);
        }

        return (averaged, removed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric retention: {Averaged} raw samples averaged, {Removed} old samples removed.")]
    private partial void LogRetained(int averaged, int removed);
}
