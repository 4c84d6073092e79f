using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Git;

/// <summary>The <c>Portal:Git</c> section: where repository caches live and how long a fetch may take.</summary>
public sealed class GitOptions
{
    public const string Section = "Portal:Git";

    /// <summary>Where each application's repository cache lives; <c>{Portal:DataDirectory}/git</c> when empty.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The longest a fetch may take (connecting, negotiating and downloading) before it is given up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether applications may link repositories on the portal's own host (an absolute path or file:// URL). The
    /// portal's data directory is refused either way. Turn off where tenants must not read the host's files.
    /// </summary>
    public bool AllowLocalRepositories { get; set; } = true;

    /// <summary>How often the polling job looks for repositories due a fetch (each has its own interval, or none).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
