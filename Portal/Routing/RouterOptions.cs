using System.ComponentModel.DataAnnotations;

namespace Portal.Routing;

/// <summary>The <c>Router</c> section: where the router listens, the domain applications are served under, its limits.</summary>
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

    /// <summary>The largest request body sent to a member (bytes); larger ones are answered 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodySize { get; set; } = 32 * 1024 * 1024;

    /// <summary>The most header bytes a request may carry (the portal's own requests included); more is answered 431.</summary>
    [Range(4096, 1024 * 1024)]
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>The host name an application answers at: <c>{application}.{tenant}.{AppsDomain}</c>.</summary>
    public string HostOf(string application, string tenant) => Core.Routing.ApplicationHosts.Of(application, tenant, AppsDomain);

    /// <summary>The address browsers reach a host name at through the router.</summary>
    public string UrlOf(string host) => Port is 0 or 80 ? $"http://{host}/" : $"http://{host}:{Port}/";

    /// <summary>Each tenant's requests to all its applications together.</summary>
    [Required]
    public RouterRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>
/// <c>Router:RateLimit</c>: a token bucket per tenant. Requests beyond it are answered 429 with Retry-After, so one
/// tenant's flood does not starve the others. <c>RequestsPerSecond = 0</c> turns the limit off.
/// </summary>
public sealed class RouterRateLimitOptions
{
    [Range(0, 10_000_000)]
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>How many requests a tenant may send at once above its rate (the bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 2000;
}
