using Microsoft.EntityFrameworkCore;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Monitoring;

/// <summary>An application's health over a period: its samples and each member's, oldest first.</summary>
public sealed record ApplicationHealthView(
    string Application, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<MetricSample> Samples, IReadOnlyDictionary<Guid, IReadOnlyList<MetricSample>> Members)
{
    /// <summary>The newest sample of the application, if any.</summary>
    public MetricSample? Latest => Samples.Count == 0 ? null : Samples[^1];
}

/// <summary>
/// A tenant's view of its applications' stored metric samples (tenant-filtered: another tenant's application is not
/// found). Periods longer than <see cref="RawPeriod"/> are averaged over even steps, at most <see cref="MaxPoints"/> per
/// series: a chart spaces its points evenly, and a week of 5-second samples is more than anyone reads.
/// </summary>
public sealed class ApplicationHealth(PortalDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(7);

    public static readonly TimeSpan RawPeriod = TimeSpan.FromMinutes(20);

    public const int MaxPoints = 240;

    /// <summary>The samples of the last <paramref name="period"/> (at most a week); null when there is no such application.</summary>
    public async Task<ApplicationHealthView?> GetAsync(string application, TimeSpan period, CancellationToken cancellationToken)
    {
        var id = await db.Applications.Where(a => a.Name == application).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return null;
        }

        period = period > MaxPeriod ? MaxPeriod : period;
        var to = clock.GetUtcNow();
        var from = to - period;
        var samples = await db.MetricSamples.AsNoTracking()
            .Where(s => s.ApplicationId == id && s.At >= from)
            .OrderBy(s => s.At)
            .ToListAsync(cancellationToken);
        if (period > RawPeriod)
        {
            samples = [.. MetricRetention.Downsample(samples, Step(period))];
        }

        return new ApplicationHealthView(
            application, from, to,
            [.. samples.Where(s => s.MemberId is null)],
            samples.Where(s => s.MemberId is not null).GroupBy(s => s.MemberId!.Value)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<MetricSample>)[.. g]));
    }

    /// <summary>The step a period is shown in: whole seconds, at most <see cref="MaxPoints"/> of them.</summary>
    public static TimeSpan Step(TimeSpan period) => TimeSpan.FromSeconds(Math.Ceiling(period.TotalSeconds / MaxPoints));
}
