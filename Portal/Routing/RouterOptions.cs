using System.ComponentModel.DataAnnotations;

namespace Portal.Routing;

/// <summary>The <c>Router</c> section: where the router listens and the domain applications are served under.</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary>The router's own port (env <c>Router__Port</c>); 0 turns the extra listener off (tests, tools).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>The address the router listens on; 0.0.0.0 to serve other machines.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Applications answer at <c>{application}.{tenant}.{AppsDomain}</c>; *.localhost needs no DNS in browsers.</summary>
    [Required]
    public string AppsDomain { get; set; } = "apps.localhost";
}
