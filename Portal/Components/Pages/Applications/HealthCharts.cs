using System.Globalization;
using MudBlazor;
using Portal.Core.Applications;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Monitoring;

namespace Portal.Components.Pages.Applications;

/// <summary>What the health card draws: the periods offered, and the chart series and figures of one scope (the application or a member).</summary>
public static class HealthCharts
{
    /// <summary>How often the card reads the samples again: as often as the sampler stores them (5 s by default) for short
    /// periods, once a step for longer ones (at most once a minute).</summary>
    public static TimeSpan RefreshIntervalOf(TimeSpan period)
    {
        var step = period > ApplicationHealth.RawPeriod ? ApplicationHealth.Step(period) : TimeSpan.Zero;
        return step < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : step > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : step;
    }

    /// <summary>The periods to choose from, the first the default.</summary>
    public static IReadOnlyList<(TimeSpan Period, string Label)> Periods { get; } =
    [
        (TimeSpan.FromMinutes(15), "Last 15 minutes"),
        (TimeSpan.FromHours(1), "Last hour"),
        (TimeSpan.FromHours(24), "Last 24 hours"),
        (TimeSpan.FromDays(7), "Last 7 days"),
    ];

    /// <summary>Time labels along the x axis: at most this many are written (the others left blank).</summary>
    public const int MaxLabels = 6;

    /// <summary>The scope choice that means the application as a whole; any other is a member's id.</summary>
    public const string AllMembers = "all";

    public static Guid? MemberOf(string scope) => Guid.TryParse(scope, out var id) ? id : null;

    public const string NoSamples = "No samples yet: every Active member is measured every few seconds.";

    /// <summary>The samples of a scope: the application's (<paramref name="member"/> null) or one member's.</summary>
    public static IReadOnlyList<MetricSample> Of(ApplicationHealthView view, Guid? member) =>
        member is { } id ? view.Members.GetValueOrDefault(id) ?? [] : view.Samples;

    /// <summary>CPU and memory, percent of the limits.</summary>
    public static List<ChartSeries<double>> Resources(IReadOnlyList<MetricSample> samples) =>
    [
        Series("CPU %", samples.Select(s => s.CpuPercent)),
        Series("Memory %", samples.Select(s => s.MemoryPercent)),
    ];

    /// <summary>Requests in flight and per second.</summary>
    public static List<ChartSeries<double>> Requests(IReadOnlyList<MetricSample> samples) =>
    [
        Series("In flight", samples.Select(s => (double?)s.RequestsInFlight)),
        Series("Per second", samples.Select(s => (double?)s.RequestsPerSecond)),
    ];

    /// <summary>The samples' local times, a few of them written out evenly along the axis.</summary>
    public static string[] Labels(IReadOnlyList<MetricSample> samples, TimeSpan period)
    {
        var format = period > TimeSpan.FromHours(24) ? "ddd HH:mm" : period > TimeSpan.FromHours(1) ? "HH:mm" : "HH:mm:ss";
        var every = Math.Max(1, (int)Math.Ceiling(samples.Count / (double)MaxLabels));
        return [.. samples.Select((s, i) => i % every == 0 ? s.At.ToLocalTime().ToString(format, CultureInfo.InvariantCulture) : "")];
    }

    public static string Percent(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.#} %") : "—";

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string MemberLabel(Guid member) => $"Member {Member.ShortId(member)}";

    private static ChartSeries<double> Series(string name, IEnumerable<double?> values) =>
        new() { Name = name, Data = new ChartData<double>([.. values]) };
}
