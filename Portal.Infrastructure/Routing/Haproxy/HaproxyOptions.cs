using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Routing.Haproxy;

/// <summary>
/// The <c>Router:Haproxy</c> section: the HAProxy extension of the router. When enabled, the portal writes an HAProxy
/// configuration serving every application (as the built-in router does) to <see cref="ConfigPath"/> and reloads
/// HAProxy whenever the applications or their Active members change.
/// </summary>
public sealed class HaproxyOptions
{
    public const string Section = "Router:Haproxy";

    /// <summary>Whether the portal keeps an HAProxy configuration; the built-in router works either way.</summary>
    public bool Enabled { get; set; }

    /// <summary>The configuration file HAProxy reads (such as <c>/etc/haproxy/haproxy.cfg</c>); required when enabled.</summary>
    public string? ConfigPath { get; set; }

    /// <summary>Where HAProxy listens for the applications' requests: <c>address:port</c> (<c>*:80</c> for every address).</summary>
    [Required]
    [RegularExpression(@"^(\*|[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])?:[0-9]{1,5}$",
        ErrorMessage = "Router:Haproxy:Bind must be address:port, such as 127.0.0.1:8081 or *:80.")]
    public string Bind { get; set; } = "127.0.0.1:8081";

    /// <summary>The haproxy program, used to check a new configuration (<c>haproxy -c -f file</c>) before it is put in place.</summary>
    [Required]
    public string HaproxyPath { get; set; } = "haproxy";

    /// <summary>
    /// A shell command (<c>/bin/sh -c</c>) run after a new configuration is in place, such as
    /// <c>systemctl reload haproxy</c> or <c>kill -USR2 $(cat /run/haproxy.pid)</c>; empty to only write the file.
    /// </summary>
    public string? ReloadCommand { get; set; }

    /// <summary>The port of <see cref="Bind"/> is a TCP port.</summary>
    internal static bool HasValidPort(string? bind) =>
        bind is not null && int.TryParse(bind.AsSpan(bind.LastIndexOf(':') + 1), out var port) && port is > 0 and <= 65535;
}
