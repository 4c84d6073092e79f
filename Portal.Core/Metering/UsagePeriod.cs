using System.Globalization;
using Portal.Core.Common;

namespace Portal.Core.Metering;

/// <summary>A range of UTC days, both ends included, as usage is asked for.</summary>
public readonly record struct UsagePeriod(DateOnly From, DateOnly To)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;
    public const string DateFormat = "yyyy-MM-dd";

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The last <see cref="DefaultDays"/> days up to <paramref name="today"/>.</summary>
    public static UsagePeriod Default(DateOnly today) => new(today.AddDays(1 - DefaultDays), today);

    /// <summary>
    /// Reads <c>from</c> and <c>to</c> (yyyy-MM-dd; either missing: the default period's end, or <see cref="DefaultDays"/>
    /// days before <c>to</c>). Refuses, naming the field, a date that is not one, <c>from</c> after <c>to</c> and a
    /// period over <see cref="MaxDays"/> days.
    /// </summary>
    public static Result<UsagePeriod> Parse(string? from, string? to, DateOnly today)
    {
        DateOnly? toDate = today, fromDate = null;
        if (!string.IsNullOrEmpty(to))
        {
            toDate = ParseDate(to);
            if (toDate is null)
            {
                return Failure.Validation("to", $"'{to}' is not a date: write it as {DateFormat}.");
            }
        }

        if (!string.IsNullOrEmpty(from))
        {
            fromDate = ParseDate(from);
            if (fromDate is null)
            {
                return Failure.Validation("from", $"'{from}' is not a date: write it as {DateFormat}.");
            }
        }

        return Check(fromDate ?? toDate.Value.AddDays(1 - DefaultDays), toDate.Value);
    }

    /// <summary>The period from <paramref name="from"/> to <paramref name="to"/>, refused when reversed or over <see cref="MaxDays"/> days.</summary>
    public static Result<UsagePeriod> Check(DateOnly from, DateOnly to)
    {
        var period = new UsagePeriod(from, to);
        if (period.From > period.To)
        {
            return Failure.Validation("from", $"from ({period.From:yyyy-MM-dd}) is after to ({period.To:yyyy-MM-dd}).");
        }

        return period.Days > MaxDays
            ? Failure.Validation("to", $"The period is {period.Days} days long; ask for at most {MaxDays}.")
            : period;
    }

    public override string ToString() => $"{From.ToString(DateFormat, CultureInfo.InvariantCulture)}-{To.ToString(DateFormat, CultureInfo.InvariantCulture)}";

    private static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
