using Portal.Core.Cartridges;
using Portal.Core.Releases;
using Portal.Core.Routing;

namespace Portal.Core.Applications;

/// <summary>How an application is doing, in one word.</summary>
public enum ApplicationStatus
{
    /// <summary>No member is Active yet (just created, or starting).</summary>
    Starting,

    /// <summary>As many Active members as desired.</summary>
    Running,

    /// <summary>Some members are Active, fewer than desired (one is being replaced, or cannot be placed).</summary>
    Degraded,

    /// <summary>Nothing Active and something stops it (see the problem).</summary>
    Failing,
}

public static class ApplicationStatusRules
{
    public static ApplicationStatus Of(int desired, int active, string? problem) =>
        active >= desired && active > 0 ? ApplicationStatus.Running
        : active > 0 ? ApplicationStatus.Degraded
        : problem is null ? ApplicationStatus.Starting
        : ApplicationStatus.Failing;
}

/// <summary>One member as the tenant sees it.</summary>
public sealed record MemberView(
    Guid Id, MemberState State, string Partition, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? ActiveAt, DateTimeOffset? FaultedAt, string? FaultReason);

/// <summary>An application in a list.</summary>
public sealed record ApplicationSummary(
    string Name, string Cartridge, CartridgeCategory Category, ApplicationStatus Status, int MinMembers, int MaxMembers,
    int DesiredMembers, int ActiveMembers, string? LinkedTo, DateTimeOffset CreatedAt);

/// <summary>An application with its members and links.</summary>
public sealed record ApplicationDetails(
    ApplicationSummary Summary,
    string DeploymentPolicy,
    string? Problem,
    IReadOnlyList<MemberView> Members,
    IReadOnlyList<MemberView> RecentlyFaulted,
    IReadOnlyList<string> LinkedBy,
    ApplicationRouting Routing,
    RepositoryView? Repository = null,
    ReleaseView? Release = null,
    string? AutoscalingPolicy = null,
    IReadOnlyList<string>? StartAfter = null,
    string? Schema = null);

/// <summary>How the router serves an application: its tenant (part of its host name), custom domains, algorithm, stickiness.</summary>
public sealed record ApplicationRouting(
    string Tenant, IReadOnlyList<string> CustomDomains, LoadBalancingAlgorithm LoadBalancing, bool StickySessions);
