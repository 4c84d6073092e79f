using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Persistence;
using Quartz;

namespace Portal.Infrastructure.Monitoring;

/// <summary>
/// Keeps the metric samples bounded (<see cref="HealthOptions"/>): samples older than <c>KeepFor</c> are removed, then
/// raw samples older than <c>RawFor</c> are replaced by their averages, one <c>Span</c> at a time: each span's raw
/// samples of every member and application become one average each, in one transaction (a sample is never lost or
/// counted twice, and a span never gets two averages of one series). Never two runs at once.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class MetricRetentionJob(PortalDbContext db, IOptions<HealthOptions> options, TimeProvider clock, ILogger<MetricRetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("metric-retention", "portal");

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
        while (await db.MetricSamples.IgnoreQueryFilters().Where(s => s.Seconds == 0 && s.At < before)
                   .OrderBy(s => s.At).Select(s => (DateTimeOffset?)s.At).FirstOrDefaultAsync(cancellationToken) is { } oldest)
        {
            var start = MetricRetention.SpanStart(oldest, retention.Span);
            var end = start + retention.Span; // at most `before`: that is a span boundary
            var span = db.MetricSamples.IgnoreQueryFilters().Where(s => s.Seconds == 0 && s.At >= start && s.At < end);
            var raw = await span.AsNoTracking().ToListAsync(cancellationToken);

            // An application deleted meanwhile took its samples with it: no average of it (its key would be refused).
            var ids = raw.Select(s => s.ApplicationId).Distinct().ToList();
            var existing = (await db.Applications.IgnoreQueryFilters().Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(cancellationToken)).ToHashSet();

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.MetricSamples.AddRange(MetricRetention.Downsample(raw.Where(s => existing.Contains(s.ApplicationId)), retention.Span));
            await db.SaveChangesAsync(cancellationToken);
            await span.ExecuteDeleteAsync(cancellationToken);
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
