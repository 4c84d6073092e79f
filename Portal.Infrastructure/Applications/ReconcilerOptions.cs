using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Applications;

/// <summary>The <c>Portal:Reconciler</c> section: how often desired state is compared with what runs, and its patience.</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Portal:Reconciler";

    /// <summary>Off only for tools and tests that must not touch any engine.</summary>
    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a member may take from its container starting to passing its health check.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a recorded member may go without a container (the portal stopped while starting it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CreatedTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a Draining member keeps its container after leaving the router, for requests in flight.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopping container gets between SIGTERM and SIGKILL.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed health checks in a row that make an Active member Faulted (it is then replaced).</summary>
    [Range(1, 100)]
    public int UnhealthyThreshold { get; set; } = 3;
}
