namespace Portal.Core.Applications;

/// <summary>The lifecycle of a member (one container of a cluster).</summary>
public enum MemberState
{
    /// <summary>Recorded; its container is not running yet.</summary>
    Created,

    /// <summary>Its container runs; the health check has not passed yet.</summary>
    Starting,

    /// <summary>Healthy: the router sends it traffic.</summary>
    Active,

    /// <summary>Taken out of the router; finishing requests in flight before it stops.</summary>
    Draining,

    /// <summary>Stopped and removed. Final.</summary>
    Terminated,

    /// <summary>Its container died, or never became healthy; it will be replaced.</summary>
    Faulted,
}

/// <summary>Which lifecycle moves are allowed.</summary>
public static class MemberLifecycle
{
    private static readonly Dictionary<MemberState, MemberState[]> Allowed = new()
    {
        [MemberState.Created] = [MemberState.Starting, MemberState.Faulted, MemberState.Terminated],
        [MemberState.Starting] = [MemberState.Active, MemberState.Faulted, MemberState.Terminated],
        [MemberState.Active] = [MemberState.Draining, MemberState.Faulted],
        [MemberState.Draining] = [MemberState.Terminated, MemberState.Faulted],
        [MemberState.Faulted] = [MemberState.Terminated],
        [MemberState.Terminated] = [],
    };

    public static bool CanMove(MemberState from, MemberState to) => Allowed[from].Contains(to);

    /// <summary>A member in this state should have a running container.</summary>
    public static bool IsLive(MemberState state) => state is MemberState.Starting or MemberState.Active or MemberState.Draining;

    /// <summary>A member in this state counts towards the cluster's desired size.</summary>
    public static bool CountsTowardsDesired(MemberState state) =>
        state is MemberState.Created or MemberState.Starting or MemberState.Active;
}
