using System.Text.RegularExpressions;

namespace Portal.Core.Common;

/// <summary>
/// Names that become part of host names (<c>{app}.{tenant}.{appsDomain}</c>): lowercase letters, digits and single
/// hyphens, starting with a letter, not ending with a hyphen.
/// </summary>
public static partial class DnsLabel
{
    [GeneratedRegex(@"^[a-z][a-z0-9-]*[a-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Letters, digits and hyphens in the right places (double hyphens aside).</summary>
    public static bool HasValidShape(string value) => Pattern().IsMatch(value);

    public static bool HasValidCharacters(string value) => HasValidShape(value) && !value.Contains("--", StringComparison.Ordinal);

    public static bool IsValid(string? value, int minLength, int maxLength) =>
        value is not null && value.Length >= minLength && value.Length <= maxLength && HasValidCharacters(value);
}
