using Portal.Core.Autoscaling;
using Portal.Core.Releases;

namespace Portal.Core.Applications;

/// <summary>What happened to an application.</summary>
public enum ApplicationEventKind
{
    MemberCreated,
    MemberActive,
    MemberDraining,
    MemberFaulted,
    MemberTerminated,
    ReleaseQueued,
    ReleaseSucceeded,
    ReleaseFailed,
    ReleaseSuperseded,
    ScaledUp,
    ScaledDown,

    /// <summary>The autoscaler wanted to change the member count and held back (a cooldown, the maximum, a rollout).</summary>
    ScalingHeld,
}

/// <summary>One thing that happened to an application, when, to which member (if one), and in words.</summary>
public sealed record ApplicationEvent(DateTimeOffset At, ApplicationEventKind Kind, Guid? MemberId, string Detail);

/// <summary>
/// An application's events, read off what the portal records anyway: every member keeps when it reached each state
/// of its lifecycle, every release when it was asked for and how it ended, and the autoscaler logs its decisions. So
/// the timeline can never disagree with the members, releases and decisions it is made of.
/// </summary>
public static class ApplicationEvents
{
    public static IEnumerable<ApplicationEvent> Of(Member member)
    {
        var name = Member.ShortId(member.Id);
        yield return new(member.CreatedAt, ApplicationEventKind.MemberCreated, member.Id, $"Member {name} was created.");
        if (member.ActiveAt is { } active)
        {
            yield return new(active, ApplicationEventKind.MemberActive, member.Id, $"Member {name} passed its health check and serves.");
        }

        if (member.DrainingAt is { } draining)
        {
            yield return new(draining, ApplicationEventKind.MemberDraining, member.Id, $"Member {name} left the router and finishes its requests.");
        }

        if (member.FaultedAt is { } faulted)
        {
            yield return new(faulted, ApplicationEventKind.MemberFaulted, member.Id, $"Member {name} faulted: {member.FaultReason ?? "no reason recorded."}");
        }

        if (member.TerminatedAt is { } terminated)
        {
            yield return new(terminated, ApplicationEventKind.MemberTerminated, member.Id, $"Member {name} was stopped and removed.");
        }
    }

    public static IEnumerable<ApplicationEvent> Of(Release release)
    {
        var commit = release.ShortCommit is { } c ? $" of {c}" : "";
        yield return new(release.CreatedAt, ApplicationEventKind.ReleaseQueued, null,
            $"Release #{release.Number}{commit} was asked for by {release.TriggeredBy}.");
        if (release.FinishedAt is not { } finished)
        {
            yield break;
        }

        yield return release.State switch
        {
            ReleaseState.Succeeded => new(finished, ApplicationEventKind.ReleaseSucceeded, null, $"Release #{release.Number}{commit} serves."),
            ReleaseState.Failed => new(finished, ApplicationEventKind.ReleaseFailed, null, $"Release #{release.Number}{commit} failed: {release.Error}"),
            _ => new(finished, ApplicationEventKind.ReleaseSuperseded, null, $"Release #{release.Number}: {release.Error}"),
        };
    }

    public static ApplicationEvent Of(ScalingDecision decision) => new(
        decision.At,
        decision.Action switch
        {
            ScalingAction.ScaleUp => ApplicationEventKind.ScaledUp,
            ScalingAction.ScaleDown => ApplicationEventKind.ScaledDown,
            _ => ApplicationEventKind.ScalingHeld,
        },
        decision.DrainedMemberId,
        decision.Action is ScalingAction.ScaleUp or ScalingAction.ScaleDown
            ? $"Autoscaled from {decision.FromMembers} to {decision.ToMembers} members: {decision.Reason}"
            : decision.Reason);

    /// <summary>
    /// Every event since <paramref name="since"/>, newest first (at one instant: the later step of a lifecycle
    /// first), at most <paramref name="limit"/>.
    /// </summary>
    public static IReadOnlyList<ApplicationEvent> Timeline(
        IEnumerable<Member> members, IEnumerable<Release> releases, IEnumerable<ScalingDecision> decisions, DateTimeOffset since, int limit) =>
        [.. members.SelectMany(Of)
            .Concat(releases.SelectMany(Of))
            .Concat(decisions.Select(Of))
            .Where(e => e.At >= since)
            .OrderByDescending(e => e.At)
            .ThenByDescending(e => e.Kind)
            .Take(limit)];
}
