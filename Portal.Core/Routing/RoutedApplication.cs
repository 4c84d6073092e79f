using System.Text.RegularExpressions;
using Portal.Core.Common;

namespace Portal.Core.Routing;

/// <summary>How the router picks a member for each request.</summary>
public enum LoadBalancingAlgorithm
{
    /// <summary>Each member in turn.</summary>
    RoundRobin,

    /// <summary>The member with the fewest requests in flight (long requests do not pile up on one member).</summary>
    LeastRequests,
}

/// <summary>One member the router may send requests to: its id (shown in X-Portal-Member) and where it listens.</summary>
public sealed record RoutedMember(Guid MemberId, string Address);

/// <summary>
/// One application as the router sees it: its tenant and name (for metrics and the tenant's rate limit), the host
/// names it answers (its own under the applications' domain first, then custom domains), its Active members, the
/// path they are checked on (HTTP cartridges; null for TCP ones), and how requests are spread over them. A suspended
/// tenant's application has no members and the reason it does not serve.
/// </summary>
public sealed record RoutedApplication(
    Guid ApplicationId,
    string Tenant,
    string Name,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<RoutedMember> Members,
    string? HealthCheckPath = null,
    LoadBalancingAlgorithm LoadBalancing = LoadBalancingAlgorithm.RoundRobin,
    bool StickySessions = false,
    string? SuspendedReason = null)
{
    /// <summary>Equal when everything the router uses is equal (the lists compared item by item).</summary>
    public bool Equals(RoutedApplication? other) =>
        other is not null
        && ApplicationId == other.ApplicationId && Tenant == other.Tenant && Name == other.Name
        && HealthCheckPath == other.HealthCheckPath && LoadBalancing == other.LoadBalancing && StickySessions == other.StickySessions
        && SuspendedReason == other.SuspendedReason
        && Hosts.SequenceEqual(other.Hosts) && Members.SequenceEqual(other.Members);

    public override int GetHashCode() => HashCode.Combine(ApplicationId, Members.Count, Hosts.Count);
}

/// <summary>
/// The extension point between the topology and a load balancer (Stratos's LB extension API): whenever the
/// applications or their Active members change, every registered load balancer is given the whole new topology and
/// makes its configuration match it. The built-in router (YARP) is one; writing an HAProxy configuration is another.
/// </summary>
public interface ILoadBalancer
{
    /// <summary>Shown in logs: which load balancer failed to apply a topology.</summary>
    string Name { get; }

    Task ApplyAsync(IReadOnlyList<RoutedApplication> topology, CancellationToken cancellationToken);
}

/// <summary>What every load balancer shows the same way, so members and browsers cannot tell them apart.</summary>
public static class LoadBalancerConventions
{
    /// <summary>The response header naming the member that served a request.</summary>
    public const string MemberHeader = "X-Portal-Member";

    /// <summary>The cookie keeping a browser on one member for applications with sticky sessions.</summary>
    public const string AffinityCookie = "portal-member";
}

/// <summary>The host names of applications: <c>{application}.{tenant}.{appsDomain}</c>, and custom domains.</summary>
public static partial class ApplicationHosts
{
    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostLabel();

    public static string Of(string application, string tenant, string appsDomain) => $"{application}.{tenant}.{appsDomain}";

    /// <summary>Whether <paramref name="host"/> (without port) is under the applications' domain.</summary>
    public static bool IsUnder(string host, string appsDomain) =>
        host.EndsWith("." + appsDomain, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="appsDomain"/> can carry application host names (DNS labels separated by dots).</summary>
    public static bool IsValidDomain(string? appsDomain) =>
        !string.IsNullOrEmpty(appsDomain) && appsDomain.Length <= 180
        && appsDomain.Split('.').All(label => label.Length is > 0 and <= 63 && DnsLabel.HasValidShape(label));

    /// <summary>Whether <paramref name="host"/> is a plain lower-case DNS name (dot-separated labels of letters, digits, hyphens).</summary>
    public static bool IsHostName(string host) =>
        host.Length is > 0 and <= 253 && host.Split('.').All(label => HostLabel().IsMatch(label));

    /// <summary>A host name as typed, as stored: no surrounding spaces, no trailing dot, lower case.</summary>
    public static string Normalize(string? host) => (host ?? "").Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>
    /// Why <paramref name="host"/> cannot be an application's custom domain, or null when it can: a lower-case host
    /// name of at least two labels, not the applications' domain or a name under it (those belong to the router).
    /// </summary>
    public static string? CheckCustomDomain(string? host, string appsDomain)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return "Enter a host name, such as shop.example.com.";
        }

        if (!IsHostName(host) || !host.Contains('.', StringComparison.Ordinal))
        {
            return $"'{host}' is not a host name: use lower-case letters, digits and hyphens in dot-separated labels, such as shop.example.com.";
        }

        return host.Equals(appsDomain, StringComparison.OrdinalIgnoreCase) || IsUnder(host, appsDomain)
            ? $"'{host}' is under {appsDomain}, where every application has its name already."
            : null;
    }
}
