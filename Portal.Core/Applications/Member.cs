using Portal.Core.Tenancy;

namespace Portal.Core.Applications;

/// <summary>One container of a cluster, with its lifecycle and when each step happened.</summary>
public sealed class Member : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid ApplicationId { get; init; }

    public Guid PartitionId { get; init; }

    /// <summary>The release it runs (null: the cartridge's own image).</summary>
    public Guid? ReleaseId { get; init; }

    /// <summary>The application's <see cref="Application.Revision"/> it was started with.</summary>
    public int Revision { get; init; }

    /// <summary>The Docker container, once created.</summary>
    public string? ContainerId { get; private set; }

    /// <summary>The container's port as published on 127.0.0.1 of its partition's host (it changes when the container restarts).</summary>
    public int? HostPort { get; set; }

    public MemberState State { get; private set; } = MemberState.Created;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? ActiveAt { get; private set; }

    public DateTimeOffset? DrainingAt { get; private set; }

    public DateTimeOffset? TerminatedAt { get; private set; }

    public DateTimeOffset? FaultedAt { get; private set; }

    /// <summary>How far its running time has been metered (see <see cref="Metering.MeteringRules"/>); null: not yet.</summary>
    public DateTimeOffset? MeteredUntil { get; private set; }

    /// <summary>Why it faulted, in words for the tenant (no secrets).</summary>
    public string? FaultReason { get; private set; }

    /// <summary>How a member is named to people: the last 8 hex digits of its id (the first ones are a timestamp, alike for members made together).</summary>
    public static string ShortId(Guid id) => id.ToString("N")[^8..];

    /// <summary>Its container runs: from now on the health check decides whether it becomes Active.</summary>
    public void Started(string containerId, int? hostPort, DateTimeOffset now)
    {
        MoveTo(MemberState.Starting, now);
        ContainerId = containerId;
        HostPort = hostPort;
    }

    /// <summary>Its running time is metered up to <paramref name="until"/>.</summary>
    public void MeteredTo(DateTimeOffset until) => MeteredUntil = until;

    /// <summary>Moves the member on; refuses a move the lifecycle does not allow (e.g. Terminated back to Active).</summary>
    public void MoveTo(MemberState next, DateTimeOffset now, string? reason = null)
    {
        if (!MemberLifecycle.CanMove(State, next))
        {
            throw new InvalidOperationException($"A member cannot go from {State} to {next}.");
        }

        State = next;
        switch (next)
        {
            case MemberState.Starting: StartedAt = now; break;
            case MemberState.Active: ActiveAt = now; break;
            case MemberState.Draining: DrainingAt = now; break;
            case MemberState.Terminated: TerminatedAt = now; break;
            case MemberState.Faulted:
                FaultedAt = now;
                FaultReason = reason;
                break;
        }
    }
}
