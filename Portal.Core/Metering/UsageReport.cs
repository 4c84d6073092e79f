using System.Globalization;
using System.Text;

namespace Portal.Core.Metering;

/// <summary>One application's usage on one day; <see cref="Tenant"/> is set in reports across tenants.</summary>
public sealed record UsageRow(DateOnly Day, string? Tenant, Guid ApplicationId, string Application, double MemberSeconds, double MemoryGibSeconds);

/// <summary>Usage over a period, per day and application (oldest day first, then tenant and application), with totals.</summary>
public sealed record UsageReport(UsagePeriod Period, IReadOnlyList<UsageRow> Rows)
{
    public double MemberSeconds => Rows.Sum(r => r.MemberSeconds);

    public double MemoryGibSeconds => Rows.Sum(r => r.MemoryGibSeconds);

    public static UsageReport Of(UsagePeriod period, IEnumerable<UsageRow> rows) =>
        new(period, [.. rows.OrderBy(r => r.Day).ThenBy(r => r.Tenant, StringComparer.Ordinal).ThenBy(r => r.Application, StringComparer.Ordinal)]);
}

/// <summary>A usage report as CSV (RFC 4180): a header row, invariant culture, fields quoted when they need it.</summary>
public static class UsageCsv
{
    public const string ContentType = "text/csv";

    /// <summary>The report's rows; with a leading <c>tenant</c> column when <paramref name="withTenant"/>.</summary>
    public static string Write(UsageReport report, bool withTenant)
    {
        var csv = new StringBuilder(withTenant ? "tenant," : "").Append("date,application,member_seconds,memory_gib_seconds\r\n");
        foreach (var row in report.Rows)
        {
            if (withTenant)
            {
                csv.Append(Field(row.Tenant ?? "")).Append(',');
            }

            csv.Append(row.Day.ToString(UsagePeriod.DateFormat, CultureInfo.InvariantCulture)).Append(',')
                .Append(Field(row.Application)).Append(',')
                .Append(Number(row.MemberSeconds)).Append(',')
                .Append(Number(row.MemoryGibSeconds)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>The download's file name: <c>usage-{tenant}-{from}-{to}.csv</c>.</summary>
    public static string FileName(string tenant, UsagePeriod period) => $"usage-{tenant}-{period}.csv";

    /// <summary>A field as is, or quoted (quotes doubled) when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
