using Portal.Core.Applications;
using Portal.Core.Common;
using Portal.Core.Metering;

namespace Portal.Tests.Core;

/// <summary>The metering rules: what counts as running time, its split by UTC day, and that a second is never metered twice.</summary>
public sealed class MeteringTests
{
    private static readonly DateTimeOffset Evening = new(2026, 11, 28, 22, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Nov28 = new(2026, 11, 28), Nov29 = new(2026, 11, 29), Nov30 = new(2026, 11, 30);

    private static Member Started(DateTimeOffset at)
    {
        var member = new Member { ApplicationId = Guid.NewGuid(), CreatedAt = at.AddSeconds(-5) };
        member.MoveTo(MemberState.Starting, at);
        return member;
    }

    /// <summary>Meters <paramref name="member"/> as the meter does: adds what is due and moves its mark on.</summary>
    private static IReadOnlyList<DailyUsage> Meter(Member member, double memoryMb, DateTimeOffset now)
    {
        if (MeteringRules.Due(member, memoryMb, now) is not { } due)
        {
            return [];
        }

        member.MeteredTo(due.Until);
        return due.Days;
    }

    [Fact]
    public void A_member_never_started_is_not_metered()
    {
        var member = new Member { ApplicationId = Guid.NewGuid(), CreatedAt = Evening };
        Assert.Null(MeteringRules.Due(member, 256, Evening.AddHours(1)));
        Assert.False(MeteringRules.NeedsMetering(member));

        member.MoveTo(MemberState.Terminated, Evening.AddMinutes(1)); // removed before it started
        Assert.Null(MeteringRules.Due(member, 256, Evening.AddHours(1)));
    }

    [Fact]
    public void A_running_member_is_metered_up_to_now_with_its_memory_in_GiB()
    {
        var member = Started(Evening);
        member.MoveTo(MemberState.Active, Evening.AddSeconds(3));

        var due = MeteringRules.Due(member, 512, Evening.AddSeconds(90))!;

        Assert.Equal(Evening.AddSeconds(90), due.Until);
        Assert.Null(due.From);
        Assert.Equal([new DailyUsage(Nov28, 90, 45)], due.Days);
        Assert.True(MeteringRules.NeedsMetering(member));
    }

    [Fact]
    public void Running_time_is_split_at_midnight_UTC_over_as_many_days_as_it_touches()
    {
        var member = Started(Evening); // 22:00 on the 28th
        Assert.Equal([new DailyUsage(Nov28, 7200, 1800), new DailyUsage(Nov29, 86400, 21600), new DailyUsage(Nov30, 1800, 450)],
            Meter(member, 256, new DateTimeOffset(2026, 11, 30, 0, 30, 0, TimeSpan.Zero)));

        // A member started on another offset is split on UTC days all the same.
        var local = Started(new DateTimeOffset(2026, 11, 29, 1, 0, 0, TimeSpan.FromHours(2))); // 23:00 UTC on the 28th
        Assert.Equal([3600.0, 3600.0], Meter(local, 256, Evening.AddHours(3)).Select(d => d.MemberSeconds));
        Assert.Equal([Nov28, Nov29], Meter(Started(Evening.AddHours(1)), 256, Evening.AddHours(3)).Select(d => d.Day));
    }

    [Fact]
    public void Metering_again_adds_only_the_time_since_the_last_run_and_nothing_at_the_same_instant()
    {
        var member = Started(Evening);
        Assert.Equal(600, Meter(member, 256, Evening.AddMinutes(10)).Sum(d => d.MemberSeconds));

        Assert.Empty(Meter(member, 256, Evening.AddMinutes(10)));
        Assert.Empty(Meter(member, 256, Evening.AddMinutes(9))); // a clock behind the mark takes nothing back
        Assert.Equal(Evening.AddMinutes(10), member.MeteredUntil);
        Assert.Equal(60, Meter(member, 256, Evening.AddMinutes(11)).Sum(d => d.MemberSeconds));
    }

    [Fact]
    public void A_member_that_ended_between_runs_is_metered_to_its_end_once_and_then_never_again()
    {
        var member = Started(Evening);
        member.MoveTo(MemberState.Active, Evening.AddSeconds(5));
        Meter(member, 1024, Evening.AddMinutes(1));
        member.MoveTo(MemberState.Draining, Evening.AddMinutes(1.5));
        member.MoveTo(MemberState.Terminated, Evening.AddMinutes(2)); // draining still runs its container

        Assert.Equal([new DailyUsage(Nov28, 60, 60)], Meter(member, 1024, Evening.AddMinutes(5)));
        Assert.False(MeteringRules.NeedsMetering(member));
        Assert.Empty(Meter(member, 1024, Evening.AddDays(3)));
    }

    [Fact]
    public void A_faulted_member_stops_being_metered_when_it_faulted_even_if_terminated_later()
    {
        var member = Started(Evening);
        member.MoveTo(MemberState.Faulted, Evening.AddSeconds(40), "Its container stopped.");
        member.MoveTo(MemberState.Terminated, Evening.AddMinutes(5));

        Assert.Equal(Evening.AddSeconds(40), MeteringRules.RunningUntil(member));
        Assert.Equal(40, Meter(member, 256, Evening.AddHours(1)).Sum(d => d.MemberSeconds));
        Assert.False(MeteringRules.NeedsMetering(member));
    }

    [Fact]
    public void Time_metered_past_an_end_saved_late_is_given_back_so_the_total_is_the_running_time()
    {
        // The meter passed at 10:00 while the reconciler, which had read 09:58 as the termination time, had not saved yet.
        var member = Started(Evening);
        Meter(member, 256, Evening.AddMinutes(10));
        member.MoveTo(MemberState.Faulted, Evening.AddMinutes(8), "Its container is gone.");

        var correction = Meter(member, 256, Evening.AddMinutes(11));

        Assert.Equal([new DailyUsage(Nov28, -120, -30)], correction);
        Assert.Equal(Evening.AddMinutes(8), member.MeteredUntil);
        Assert.False(MeteringRules.NeedsMetering(member));
    }

    [Fact]
    public void The_sum_of_many_runs_is_the_running_time_whatever_the_schedule()
    {
        var member = Started(Evening.AddSeconds(17.25));
        var total = 0.0;
        for (var t = Evening; t < Evening.AddHours(4); t = t.AddSeconds(61.5))
        {
            total += Meter(member, 256, t).Sum(d => d.MemberSeconds);
        }

        member.MoveTo(MemberState.Terminated, Evening.AddHours(3));
        total += Meter(member, 256, Evening.AddHours(4)).Sum(d => d.MemberSeconds);
        Assert.Equal(3 * 3600 - 17.25, total, precision: 6);
    }

    [Fact]
    public void Dues_of_one_application_on_one_day_are_summed()
    {
        var app = Guid.NewGuid();
        var a = MeteringRules.Due(Started(Evening), 256, Evening.AddHours(3))!;
        var b = MeteringRules.Due(Started(Evening.AddHours(1)), 256, Evening.AddHours(3))!;

        var sums = MeteringRules.PerApplicationDay([(app, a), (app, b)]);

        Assert.Equal(new DailyUsage(Nov28, 7200 + 3600, 2700), sums[(app, Nov28)]);
        Assert.Equal(new DailyUsage(Nov29, 3600 + 3600, 1800), sums[(app, Nov29)]);
    }

    [Theory]
    [InlineData(null, null, "2026-10-31", "2026-11-29")]
    [InlineData("2026-11-01", null, "2026-11-01", "2026-11-29")]
    [InlineData(null, "2026-01-31", "2026-01-02", "2026-01-31")]
    [InlineData("2025-11-29", "2026-11-29", "2025-11-29", "2026-11-29")] // 366 days
    public void A_period_defaults_to_the_last_30_days_and_includes_both_ends(string? from, string? to, string expectedFrom, string expectedTo)
    {
        var period = UsagePeriod.Parse(from, to, Nov29);
        Assert.True(period.Succeeded);
        Assert.Equal((DateOnly.Parse(expectedFrom), DateOnly.Parse(expectedTo)), (period.Value.From, period.Value.To));
    }

    [Theory]
    [InlineData("2026-13-01", null, "from")]
    [InlineData("yesterday", null, "from")]
    [InlineData("2026-11-1", null, "from")]
    [InlineData(null, "2026/11/29", "to")]
    [InlineData("2026-11-29", "2026-11-28", "from")]
    [InlineData("2025-11-28", "2026-11-29", "to")] // 367 days
    public void A_bad_date_a_reversed_or_too_long_period_is_refused_naming_the_field(string? from, string? to, string field)
    {
        var period = UsagePeriod.Parse(from, to, Nov29);
        Assert.False(period.Succeeded);
        Assert.Equal(FailureKind.Validation, period.Failure!.Kind);
        Assert.Equal([field], period.Failure.Errors!.Keys);
    }

    [Fact]
    public void The_CSV_has_a_header_invariant_numbers_and_quotes_fields_that_need_them()
    {
        var report = UsageReport.Of(new UsagePeriod(Nov28, Nov29),
        [
            new UsageRow(Nov29, "acme", Guid.NewGuid(), "web", 86400, 21600),
            new UsageRow(Nov28, "a,b", Guid.NewGuid(), "say \"hi\"", 1.5, 0.375),
        ]);

        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE"); // a decimal comma must not leak in
            Assert.Equal("date,application,member_seconds,memory_gib_seconds\r\n2026-11-28,\"say \"\"hi\"\"\",1.5,0.375\r\n2026-11-29,web,86400,21600\r\n",
                UsageCsv.Write(report, withTenant: false));
            Assert.StartsWith("tenant,date,application,member_seconds,memory_gib_seconds\r\n\"a,b\",2026-11-28,", UsageCsv.Write(report, withTenant: true), StringComparison.Ordinal);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }

        Assert.Equal("usage-acme-2026-11-28-2026-11-29.csv", UsageCsv.FileName("acme", report.Period));
        Assert.Equal((86401.5, 21600.375), (report.MemberSeconds, report.MemoryGibSeconds));
    }
}
