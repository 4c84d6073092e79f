using System.Security.Cryptography;

namespace Portal.E2E.Support;

/// <summary>Names that no other test (nor an earlier run against the same database) uses.</summary>
public static class Unique
{
    /// <summary>A valid tenant slug: <paramref name="prefix"/> (starting with a letter) and 8 random hex digits.</summary>
    public static string Slug(string prefix) => $"{prefix}-{Suffix()}";

    public static string Email(string name) => $"{name}-{Suffix()}@example.test";

    private static string Suffix() => RandomNumberGenerator.GetHexString(8, lowercase: true);
}
