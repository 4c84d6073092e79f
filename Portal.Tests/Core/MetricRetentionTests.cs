using Portal.Core.Monitoring;

namespace Portal.Tests.Core;

/// <summary>The retention rules of metric samples: spans on fixed boundaries, averages that keep what is unknown unknown, an application's figures from its members'.</summary>
public sealed class MetricRetentionTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Tenant = Guid.NewGuid(), App = Guid.NewGuid(), A = Guid.NewGuid(), B = Guid.NewGuid();

    private static MetricSample Raw(Guid? member, DateTimeOffset at, double? cpu, double? memory, double inFlight = 0, double rate = 0) => new()
    {
        TenantId = Tenant, ApplicationId = App, MemberId = member, At = at, CpuPercent = cpu, MemoryPercent = memory,
        RequestsInFlight = inFlight, RequestsPerSecond = rate,
    };

    [Fact]
    public void Spans_start_on_fixed_boundaries_in_UTC_whatever_the_offset()
    {
        var span = TimeSpan.FromMinutes(5);
        Assert.Equal(Noon, MetricRetention.SpanStart(Noon.AddMinutes(4).AddSeconds(59), span));
        Assert.Equal(Noon.AddMinutes(5), MetricRetention.SpanStart(Noon.AddMinutes(5), span));
        Assert.Equal(Noon, MetricRetention.SpanStart(new DateTimeOffset(2026, 11, 29, 13, 2, 0, TimeSpan.FromHours(1)), span));
        Assert.Throws<ArgumentOutOfRangeException>(() => MetricRetention.SpanStart(Noon, TimeSpan.Zero));
    }

    [Fact]
    public void Raw_samples_older_than_an_hour_are_averaged_in_whole_spans_and_those_older_than_a_week_removed()
    {
        var retention = MetricRetention.Default;
        var now = Noon.AddMinutes(7); // an hour ago is 11:07: the span 11:05-11:10 is not whole yet
        Assert.Equal(Noon.AddHours(-1).AddMinutes(5), retention.DownsampleBefore(now));
        Assert.Equal(now.AddDays(-7), retention.RemoveBefore(now));
    }

    [Fact]
    public void Averages_are_per_member_and_span_and_a_figure_nobody_measured_stays_unknown()
    {
        var span = TimeSpan.FromMinutes(5);
        var averaged = MetricRetention.Downsample(
        [
            Raw(A, Noon.AddSeconds(10), 10, 40, 1, 4),
            Raw(A, Noon.AddSeconds(15), null, 50, 3, 6), // its first reading: no CPU yet
            Raw(A, Noon.AddMinutes(5), 30, 60),
            Raw(B, Noon.AddSeconds(10), null, null, 2, 2),
            Raw(null, Noon.AddSeconds(10), 10, 40, 3, 6),
        ], span);

        Assert.Equal(4, averaged.Count);
        var a = averaged.Single(s => s.MemberId == A && s.At == Noon);
        Assert.Equal((10.0, 45.0, 2.0, 5.0, 300), (a.CpuPercent, a.MemoryPercent, a.RequestsInFlight, a.RequestsPerSecond, a.Seconds));
        Assert.Equal(30.0, averaged.Single(s => s.MemberId == A && s.At == Noon.AddMinutes(5)).CpuPercent);
        var b = averaged.Single(s => s.MemberId == B);
        Assert.Equal(((double?)null, (double?)null, 2.0), (b.CpuPercent, b.MemoryPercent, b.RequestsInFlight));
        Assert.All(averaged, s => Assert.Equal((Tenant, App), (s.TenantId, s.ApplicationId)));
        Assert.Contains(averaged, s => s.MemberId is null && s.At == Noon);
    }

    [Fact]
    public void Averaging_an_average_again_changes_nothing()
    {
        var once = MetricRetention.Downsample([Raw(A, Noon, 10, 20, 1, 2), Raw(A, Noon.AddMinutes(1), 30, 40, 3, 4)], TimeSpan.FromMinutes(5));
        var twice = MetricRetention.Downsample(once, TimeSpan.FromMinutes(5));
        Assert.Equal(
            once.Select(s => (s.At, s.CpuPercent, s.MemoryPercent, s.RequestsInFlight, s.RequestsPerSecond)),
            twice.Select(s => (s.At, s.CpuPercent, s.MemoryPercent, s.RequestsInFlight, s.RequestsPerSecond)));
    }

    [Fact]
    public void An_application_is_the_mean_of_its_measured_members_with_the_routers_requests()
    {
        var members = new[] { Raw(A, Noon, 20, 30), Raw(B, Noon, null, 50) };
        var application = HealthSampling.Application(Tenant, App, Noon, members, inFlight: 7, requestsPerSecond: 12.5);
        Assert.Equal((20.0, 40.0, 7.0, 12.5, (Guid?)null), (application.CpuPercent, application.MemoryPercent, application.RequestsInFlight, application.RequestsPerSecond, application.MemberId));
        Assert.Null(HealthSampling.Application(Tenant, App, Noon, [], 0, 0).CpuPercent);
    }

    [Theory]
    [InlineData(100, 150, 5, 10)]
    [InlineData(100, 100, 5, 0)]
    [InlineData(150, 100, 5, 0)] // the portal restarted: its totals began again
    [InlineData(100, 150, 0, 0)]
    public void A_rate_is_the_difference_over_the_time_between(long earlier, long later, double seconds, double expected) =>
        Assert.Equal(expected, HealthSampling.Rate(earlier, later, TimeSpan.FromSeconds(seconds)));
}
