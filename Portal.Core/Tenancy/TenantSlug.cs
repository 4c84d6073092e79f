using System.Diagnostics.CodeAnalysis;
using Portal.Core.Common;

namespace Portal.Core.Tenancy;

/// <summary>
/// Rules for a tenant's slug: 3 to 40 characters of lowercase letters, digits and hyphens, starting with a
/// letter, not ending with a hyphen, no double hyphen. It becomes part of host names
/// (<c>{app}.{tenant}.{appsDomain}</c>), so it must be a valid DNS label.
/// </summary>
public static class TenantSlug
{
    public const int MinLength = 3;
    public const int MaxLength = 40;

    /// <summary>Slugs no tenant may take (the platform's own tenant and names that read as system ones).</summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        PlatformTenant, "admin", "api", "www", "apps", "system", "portal", "root", "localhost",
    };

    /// <summary>The tenant that holds the platform administrators.</summary>
    public const string PlatformTenant = "platform";

    /// <summary>Checks <paramref name="slug"/>; on failure gives a message fit to show a user.</summary>
    public static bool TryValidate(string? slug, [NotNullWhen(false)] out string? error)
    {
        error = slug switch
        {
            null or "" => "A tenant name is required.",
            { Length: < MinLength } => $"The tenant name must be at least {MinLength} characters long.",
            { Length: > MaxLength } => $"The tenant name must be at most {MaxLength} characters long.",
            _ when !DnsLabel.HasValidShape(slug) =>
                "Use lowercase letters, digits and hyphens only, starting with a letter and not ending with a hyphen.",
            _ when slug.Contains("--", StringComparison.Ordinal) => "The tenant name cannot contain two hyphens in a row.",
            _ when Reserved.Contains(slug) => $"The tenant name '{slug}' is reserved.",
            _ => null,
        };
        return error is null;
    }

    /// <summary>Validates <paramref name="slug"/> for the platform's own seeding, where reserved names are allowed.</summary>
    public static bool IsWellFormed(string slug) => DnsLabel.IsValid(slug, MinLength, MaxLength);
}
