using System.Globalization;
using Portal.Core.Metering;

namespace Portal.Components.Pages.Usage;

/// <summary>Usage in human units (member-hours, GiB-hours; the API and CSV keep seconds) and the CSV download links.</summary>
public static class UsageLabels
{
    public const string TenantExport = "/usage/export.csv";
    public const string AdminExport = "/admin/usage/export.csv";
    public const string NoUsage = "Nothing ran in this period.";

    /// <summary>Seconds as hours with two decimals: 5400 → "1.50".</summary>
    public static string Hours(double seconds) => (seconds / 3600).ToString("N2", CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => day.ToString(UsagePeriod.DateFormat, CultureInfo.InvariantCulture);

    /// <summary>The cookie-authenticated CSV download of <paramref name="period"/>.</summary>
    public static string ExportLink(string path, UsagePeriod period) => $"{path}?from={Day(period.From)}&to={Day(period.To)}";
}
