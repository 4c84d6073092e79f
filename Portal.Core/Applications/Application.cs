using Portal.Core.Routing;
using Portal.Core.Tenancy;

namespace Portal.Core.Applications;

/// <summary>
/// A tenant's application: one cartridge run as one cluster of members. A data application (mysql) has one
/// member, its own volume and generated credentials; a framework application (php) may link to one of them.
/// </summary>
public sealed class Application : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>Unique per tenant; part of the host name the router serves it on.</summary>
    public required string Name { get; init; }

    public Guid CartridgeId { get; init; }

    /// <summary>The cluster of members running this application (labelled on every container).</summary>
    public Guid ClusterId { get; init; } = Guid.CreateVersion7();

    public Guid DeploymentPolicyId { get; set; }

    public int MinMembers { get; set; }

    public int MaxMembers { get; set; }

    /// <summary>How many members should run now (between min and max; set by scaling).</summary>
    public int DesiredMembers { get; set; }

    /// <summary>The autoscaling policy that sets <see cref="DesiredMembers"/> between min and max (null: scaled by hand).</summary>
    public Guid? AutoscalingPolicyId { get; set; }

    /// <summary>The data application whose database this one uses (at most one: the DB_* variables name one).</summary>
    public Guid? LinkedApplicationId { get; set; }

    /// <summary>
    /// Counts the changes to what its members start with that come from no release (linking or unlinking a database):
    /// members started with an older revision are replaced by new ones, as in a rollout, without dropping requests.
    /// </summary>
    public int Revision { get; set; }

    /// <summary>
    /// The tenant's applications this one starts after (a cartridge group's startup order): none of its members
    /// start until each of them has an Active member.
    /// </summary>
    public List<Guid> StartAfter { get; set; } = [];

    /// <summary>
    /// For an application whose data lives on a volume: the partition holding that volume. Its members only ever
    /// run there (a member elsewhere would start on an empty volume).
    /// </summary>
    public Guid? DataPartitionId { get; set; }

    /// <summary>
    /// A data application's schema: SQL its database runs once, when it is created (first start on an empty volume).
    /// Put in each member at <see cref="ApplicationRules.SchemaPath"/>; a member on existing data ignores it.
    /// </summary>
    public string? Schema { get; set; }

    /// <summary>A data application's <see cref="DatabaseCredentials"/>, encrypted (never stored or logged in clear).</summary>
    public string? ProtectedCredentials { get; set; }

    /// <summary>How the router spreads requests over the members.</summary>
    public LoadBalancingAlgorithm LoadBalancing { get; set; }

    /// <summary>Whether the router sends a browser back to the member that served it first (a cookie names it).</summary>
    public bool StickySessions { get; set; }

    /// <summary>The release its members run (null: the cartridge's own image, nothing deployed yet).</summary>
    public Guid? ReleaseId { get; set; }

    /// <summary>The release being rolled out: its members start next to the serving ones until they are all healthy.</summary>
    public Guid? DeployingReleaseId { get; set; }

    /// <summary>The release new members are started from: the one rolling out, else the serving one.</summary>
    public Guid? TargetReleaseId => DeployingReleaseId ?? ReleaseId;

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>What stops the application from running as asked (an image missing, no partition reachable); null when nothing does.</summary>
    public string? Problem { get; private set; }

    public DateTimeOffset? ProblemAt { get; private set; }

    /// <summary>Records (or clears, with null) what keeps the application from running; returns whether it changed.</summary>
    public bool ReportProblem(string? problem, DateTimeOffset now)
    {
        if (problem == Problem)
        {
            return false;
        }

        Problem = problem;
        ProblemAt = problem is null ? null : now;
        return true;
    }
}
