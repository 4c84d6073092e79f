using System.Globalization;
using System.Net;
using System.Text;
using Portal.Core.Routing;

namespace Portal.Infrastructure.Routing.Haproxy;

/// <summary>
/// The HAProxy configuration serving a topology the way the built-in router does (written for HAProxy 2.6, Debian 12's):
/// one frontend on <see cref="HaproxyOptions.Bind"/> choosing a backend by host name (case-insensitive, port ignored);
/// one backend per application with its algorithm, its sticky cookie, health checks every 2 s on the cartridge's path
/// (a TCP connect for TCP cartridges), and <c>X-Portal-Member</c> naming the member that answered. An application
/// without a member ready answers 503 with Retry-After, an unknown host 404. The same topology always gives the same
/// text, so an unchanged configuration is not written or reloaded again.
/// </summary>
/// <remarks>
/// Only ids and validated names reach the file: backends and servers are named by application and member ids, host
/// names that are not plain DNS names are left out, and the health path is percent-encoded.
/// </remarks>
public static class HaproxyConfiguration
{
    /// <summary>The backend answering hosts no application has.</summary>
    public const string UnknownHostBackend = "no-such-application";

    /// <summary>HAProxy reads at most 64 words a line: host names go 32 to a line.</summary>
    private const int HostsPerLine = 32;

    private const string Indent = "    ";

    /// <summary>The backend of one application: named by its id, never by a name a user chose.</summary>
    public static string BackendOf(Guid applicationId) => $"app-{applicationId:D}";

    public static string Render(IReadOnlyList<RoutedApplication> topology, HaproxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(options);
        var applications = topology.OrderBy(a => a.ApplicationId).ToList();
        var text = new StringBuilder();

        text.Append("# Written by the Portal (Router:Haproxy) from its applications and their Active members.\n")
            .Append("# Changes made here are overwritten at the next change of the topology.\n")
            .Append('\n')
            .Append("global\n")
            .Append(Indent).Append("hard-stop-after 30s\n") // after a reload, the old process finishes requests in flight for 30 s at most
            .Append('\n')
            .Append("defaults\n")
            .Append(Indent).Append("mode http\n")
            .Append(Indent).Append("timeout connect 5s\n")
            .Append(Indent).Append("timeout client 60s\n")
            .Append(Indent).Append("timeout server 60s\n")
            .Append(Indent).Append("timeout http-request 10s\n")
            .Append(Indent).Append("timeout http-keep-alive 10s\n")
            .Append(Indent).Append("timeout queue 30s\n")
            .Append(Indent).Append("timeout tunnel 1h\n") // WebSockets
            .Append(Indent).Append("option forwardfor\n")
            .Append(Indent).Append("option redispatch\n") // a sticky browser whose member is gone goes to another one
            .Append(Indent).Append("retries 2\n")
            .Append('\n');

        text.Append("frontend applications\n")
            .Append(Indent).Append("bind ").Append(options.Bind).Append('\n')
            .Append(Indent).Append("http-request del-header X-Forwarded-For\n") // set by option forwardfor, not by clients
            .Append(Indent).Append("http-request set-header X-Forwarded-Proto https if { ssl_fc }\n")
            .Append(Indent).Append("http-request set-header X-Forwarded-Proto http unless { ssl_fc }\n")
            .Append(Indent).Append("http-request set-header X-Forwarded-Host %[req.hdr(host)]\n")
            .Append(Indent).Append("http-request set-var(txn.host) req.hdr(host),field(1,:),lower\n");
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var application in applications)
        {
            // A host name two applications claim goes to the first (as with any first match); the file stays valid.
            var hosts = HostsOf(application).Where(taken.Add).ToList();
            foreach (var line in hosts.Chunk(HostsPerLine))
            {
                text.Append(Indent).Append("use_backend ").Append(BackendOf(application.ApplicationId))
                    .Append(" if { var(txn.host) -m str ").AppendJoin(' ', line).Append(" }\n");
            }
        }

        text.Append(Indent).Append("default_backend ").Append(UnknownHostBackend).Append('\n')
            .Append('\n')
            .Append("backend ").Append(UnknownHostBackend).Append('\n')
            .Append(Indent).Append("http-request return status 404 content-type \"text/html; charset=utf-8\" string ")
            .Append(Quoted(Page("No such application", "No application answers at this host name."))).Append('\n');

        foreach (var application in applications)
        {
            text.Append('\n');
            AppendBackend(text, application);
        }

        return text.ToString();
    }

    private static void AppendBackend(StringBuilder text, RoutedApplication application)
    {
        text.Append("backend ").Append(BackendOf(application.ApplicationId)).Append('\n')
            .Append(Indent).Append("balance ")
            .Append(application.LoadBalancing == LoadBalancingAlgorithm.LeastRequests ? "leastconn" : "roundrobin").Append('\n');
        if (application.StickySessions)
        {
            text.Append(Indent).Append("cookie ").Append(LoadBalancerConventions.AffinityCookie).Append(" insert indirect nocache httponly attr \"SameSite=Lax\"\n");
        }

        if (application.HealthCheckPath is { } path)
        {
            text.Append(Indent).Append("option httpchk GET ").Append(SafePath(path)).Append('\n'); // 2xx and 3xx are healthy, as for the portal's probe
        }

        // No member, or none passing its checks: say so at once rather than queue the request.
        var host = HostsOf(application).FirstOrDefault() ?? "This application";
        text.Append(Indent).Append("http-request return status 503 content-type \"text/html; charset=utf-8\" string ")
            .Append(Quoted(Page("No member is ready",
                $"{host} has no member ready to serve. A new application's members start within seconds; if this stays, its page in the portal says why.")))
            .Append(" hdr Retry-After 5 if { nbsrv eq 0 }\n")
            .Append(Indent).Append("http-response set-header ").Append(LoadBalancerConventions.MemberHeader).Append(" %[srv_name]\n");

        foreach (var member in application.Members.OrderBy(m => m.MemberId))
        {
            if (AddressOf(member) is not { } address)
            {
                continue;
            }

            var id = member.MemberId.ToString("D");
            text.Append(Indent).Append("server ").Append(id).Append(' ').Append(address);
            if (application.StickySessions)
            {
                text.Append(" cookie ").Append(id);
            }

            // Checked every 2 s; a member refusing connections is out at its first failed request, back after 2 good checks.
            text.Append(" check inter 2s observe layer4 error-limit 1 on-error mark-down\n");
        }
    }

    /// <summary>The application's host names HAProxy can match: lower-case DNS names, anything else left out.</summary>
    private static IEnumerable<string> HostsOf(RoutedApplication application) =>
        application.Hosts.Select(h => h.ToLowerInvariant()).Where(h => ApplicationHosts.IsHostName(h)).Distinct(StringComparer.Ordinal);

    /// <summary><c>127.0.0.1:port</c> from a member's <c>http://127.0.0.1:port</c>; null for anything but plain HTTP.</summary>
    private static string? AddressOf(RoutedMember member) =>
        Uri.TryCreate(member.Address, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
        && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || ApplicationHosts.IsHostName(uri.Host))
            ? string.Create(CultureInfo.InvariantCulture, $"{uri.Host}:{uri.Port}")
            : null;

    /// <summary>The health path as one word HAProxy takes literally: rooted, with anything unusual percent-encoded.</summary>
    private static string SafePath(string path)
    {
        var safe = new StringBuilder();
        if (!path.StartsWith('/'))
        {
            safe.Append('/');
        }

        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-._~/?=&:@+,;!*()%".Contains(c, StringComparison.Ordinal))
            {
                safe.Append(c);
            }
            else
            {
                safe.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return safe.ToString();
    }

    /// <summary>The built-in router's page for a status, on one line.</summary>
    private static string Page(string title, string message) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + WebUtility.HtmlEncode(title) + "</title></head>"
        + "<body style=\"font-family: sans-serif; margin: 4rem auto; max-width: 40rem\"><h1>" + WebUtility.HtmlEncode(title) + "</h1>"
        + "<p>" + WebUtility.HtmlEncode(message) + "</p></body></html>";

    /// <summary>A double-quoted HAProxy word: backslash, double quote and dollar (environment variables) escaped.</summary>
    private static string Quoted(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("$", "\\$", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal) + "\"";
}
