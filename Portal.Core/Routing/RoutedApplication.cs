using Portal.Core.Common;

namespace Portal.Core.Routing;

/// <summary>One member the router may send requests to: its id (shown in X-Portal-Member) and where it listens.</summary>
public sealed record RoutedMember(Guid MemberId, string Address);

/// <summary>
/// One application as the router sees it: the host name it answers, its Active members, and the path the router
/// checks them on (HTTP cartridges; null for TCP ones).
/// </summary>
public sealed record RoutedApplication(Guid ApplicationId, string Host, IReadOnlyList<RoutedMember> Members, string? HealthCheckPath = null);

/// <summary>The host names of applications: <c>{application}.{tenant}.{appsDomain}</c>.</summary>
public static class ApplicationHosts
{
    public static string Of(string application, string tenant, string appsDomain) => $"{application}.{tenant}.{appsDomain}";

    /// <summary>Whether <paramref name="host"/> (without port) is under the applications' domain.</summary>
    public static bool IsUnder(string host, string appsDomain) =>
        host.EndsWith("." + appsDomain, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="appsDomain"/> can carry application host names (DNS labels separated by dots).</summary>
    public static bool IsValidDomain(string? appsDomain) =>
        !string.IsNullOrEmpty(appsDomain) && appsDomain.Length <= 180
        && appsDomain.Split('.').All(label => label.Length is > 0 and <= 63 && DnsLabel.HasValidShape(label));
}
