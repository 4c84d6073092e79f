namespace Portal.Core.Monitoring;

/// <summary>
/// How long metric samples are kept (pure): raw readings for <see cref="RawFor"/>, then averaged into spans of
/// <see cref="Span"/> kept until <see cref="KeepFor"/>; older samples are removed.
/// </summary>
public sealed record MetricRetention(TimeSpan RawFor, TimeSpan Span, TimeSpan KeepFor)
{
    public static readonly MetricRetention Default = new(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), TimeSpan.FromDays(7));

    /// <summary>Raw samples older than this are averaged: the start of the span that holds <c>now - RawFor</c>, so only whole spans are.</summary>
    public DateTimeOffset DownsampleBefore(DateTimeOffset now) => SpanStart(now - RawFor, Span);

    /// <summary>Samples older than this are removed.</summary>
    public DateTimeOffset RemoveBefore(DateTimeOffset now) => now - KeepFor;

    /// <summary>The start of the span of length <paramref name="span"/> (counted from the Unix epoch, in UTC) holding <paramref name="at"/>.</summary>
    public static DateTimeOffset SpanStart(DateTimeOffset at, TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(span), span, "A span must be longer than zero.");
        }

        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (((ticks % span.Ticks) + span.Ticks) % span.Ticks));
    }

    /// <summary>
    /// Averages raw samples into one per tenant, application, member (or the application as a whole) and span: the
    /// mean of each figure over the samples that have it (a figure none has stays null). Also used to show long periods
    /// in even steps, where a sample may already be an average over a longer span than the step.
    /// </summary>
    public static IReadOnlyList<MetricSample> Downsample(IEnumerable<MetricSample> samples, TimeSpan span)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var seconds = (int)span.TotalSeconds;
        return [.. samples
            .GroupBy(s => (s.TenantId, s.ApplicationId, s.MemberId, Start: SpanStart(s.At, span)))
            .OrderBy(g => g.Key.Start)
            .Select(g => new MetricSample
            {
                TenantId = g.Key.TenantId,
                ApplicationId = g.Key.ApplicationId,
                MemberId = g.Key.MemberId,
                At = g.Key.Start,
                Seconds = Math.Max(seconds, g.Max(s => s.Seconds)), // an average over a longer span stays that
                CpuPercent = Mean(g.Select(s => s.CpuPercent)),
                MemoryPercent = Mean(g.Select(s => s.MemoryPercent)),
                RequestsInFlight = g.Average(s => s.RequestsInFlight),
                RequestsPerSecond = g.Average(s => s.RequestsPerSecond),
            })];
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().ToList();
        return known.Count == 0 ? null : known.Average();
    }
}
