namespace Portal.Tests.Support;

/// <summary>
/// Where the real services the integration tests need are. <c>scripts/test.sh</c> starts them and exports
/// the variables. Without them a test skips on a laptop, but fails under CI (<c>CI=true</c>).
/// </summary>
public static class TestServices
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    /// <summary>Skips the calling test (or fails it under CI) because <paramref name="what"/> is missing.</summary>
    public static void Unavailable(string what)
    {
        var reason = $"{what} is not available; run the tests with scripts/test.sh, which starts it.";
        if (IsCi)
        {
            throw new InvalidOperationException($"CI=true: {reason}");
        }

        Assert.Skip(reason);
    }
}
