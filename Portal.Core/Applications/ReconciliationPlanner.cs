using Portal.Core.Partitions;

namespace Portal.Core.Applications;

/// <summary>A member as the database knows it.</summary>
public sealed record KnownMember(
    Guid MemberId, MemberState State, Guid PartitionId, DateTimeOffset CreatedAt, Guid? ReleaseId = null, int Revision = 0);

/// <summary>What one reconciliation pass sees of a cluster.</summary>
public sealed record ClusterSnapshot
{
    public required Guid ClusterId { get; init; }

    public required int DesiredMembers { get; init; }

    public required IReadOnlyList<KnownMember> Members { get; init; }

    /// <summary>Containers found (by label) on the partitions that answered; other clusters' are ignored.</summary>
    public required IReadOnlyList<(Guid PartitionId, ObservedContainer Container)> Containers { get; init; }

    /// <summary>The deployment policy's partitions, in order.</summary>
    public required IReadOnlyList<PartitionSlot> Partitions { get; init; }

    /// <summary>The partitions whose engine answered this time (policy or not: members may sit on a dropped one).</summary>
    public required IReadOnlySet<Guid> Answered { get; init; }

    public PartitionAlgorithm Algorithm { get; init; } = PartitionAlgorithm.RoundRobin;

    /// <summary>The release members should run (null: the cartridge's image). Members of any other are outdated.</summary>
    public Guid? Release { get; init; }

    /// <summary>The application's revision (see <see cref="Application.Revision"/>): members of an older one are outdated too.</summary>
    public int Revision { get; init; }
}

public abstract record ReconcileAction;

/// <summary>The member's container died or vanished: record why; it is replaced by a new member.</summary>
public sealed record FaultMember(Guid MemberId, string Reason) : ReconcileAction;

/// <summary>A container no live member owns (left by a crash, or of a faulted member): remove it.</summary>
public sealed record RemoveContainer(Guid PartitionId, string ContainerId) : ReconcileAction;

/// <summary>The cluster is short of members: start one on this partition.</summary>
public sealed record StartMember(Guid PartitionId) : ReconcileAction;

/// <summary>The cluster has too many: take this Active member out of the router, let it finish, stop it.</summary>
public sealed record DrainMember(Guid MemberId) : ReconcileAction;

/// <summary>Stop and terminate this member now: it serves no traffic (not Active yet, or its drain is over).</summary>
public sealed record TerminateMember(Guid MemberId) : ReconcileAction;

/// <summary>The cluster wants more members than its reachable partitions can hold.</summary>
public sealed record CannotPlace(int Missing) : ReconcileAction;

/// <summary>
/// Desired state against what runs: one pass of flow 2 (reconcile), as data. Members on partitions that did not
/// answer are left alone (a partition being unreachable is no proof that its containers died).
/// A rollout is the same plan: members of another release than <see cref="ClusterSnapshot.Release"/>, or of another
/// <see cref="ClusterSnapshot.Revision"/> of the application (a link changed), are outdated;
/// the desired number of the release's members start next to them (placed as if the outdated ones were not there),
/// and the outdated ones are drained only once that many of the new ones are Active. Until then they serve.
/// </summary>
public static class ReconciliationPlanner
{
    /// <summary>Why a member whose container exited faulted (the reconciler adds the container's last line of output).</summary>
    public const string ContainerStopped = "Its container stopped.";

    public static IReadOnlyList<ReconcileAction> Plan(ClusterSnapshot snapshot)
    {
        var actions = new List<ReconcileAction>();
        var answered = snapshot.Answered;
        var containers = snapshot.Containers.Where(c => c.Container.ClusterId == snapshot.ClusterId).ToList();
        var containersByMember = containers.ToLookup(c => c.Container.MemberId);
        var ended = new HashSet<Guid>();

        foreach (var member in snapshot.Members.Where(m => MemberLifecycle.IsLive(m.State) && answered.Contains(m.PartitionId)))
        {
            if (containersByMember[member.MemberId].Any(c => c.Container.Running && c.PartitionId == member.PartitionId))
            {
                continue;
            }

            ended.Add(member.MemberId);
            actions.Add(member.State == MemberState.Draining
                ? new TerminateMember(member.MemberId) // it was going anyway
                : new FaultMember(member.MemberId,
                    containersByMember[member.MemberId].Any() ? ContainerStopped : "Its container is gone."));
        }

        var owners = snapshot.Members
            .Where(m => (MemberLifecycle.IsLive(m.State) || m.State == MemberState.Created) && !ended.Contains(m.MemberId))
            .ToDictionary(m => m.MemberId, m => m.PartitionId);
        actions.AddRange(containers
            .Where(c => answered.Contains(c.PartitionId)
                        && !(owners.TryGetValue(c.Container.MemberId, out var home) && home == c.PartitionId))
            .Select(c => new RemoveContainer(c.PartitionId, c.Container.ContainerId)));

        // Members of another release go once enough of this release's members serve (below); the rest is about these.
        var current = snapshot.Members.Where(m => m.ReleaseId == snapshot.Release && m.Revision == snapshot.Revision).ToList();
        var outdated = snapshot.Members
            .Where(m => (m.ReleaseId != snapshot.Release || m.Revision != snapshot.Revision) && MemberLifecycle.CountsTowardsDesired(m.State)
                        && !ended.Contains(m.MemberId) && answered.Contains(m.PartitionId))
            .ToList();

        // Members on a reachable partition the policy no longer names are replaced where the policy says, then go.
        var inPolicy = snapshot.Partitions.Select(p => p.PartitionId).ToHashSet();
        var misplaced = current
            .Where(m => MemberLifecycle.CountsTowardsDesired(m.State) && !ended.Contains(m.MemberId)
                        && answered.Contains(m.PartitionId) && !inPolicy.Contains(m.PartitionId))
            .ToList();

        // Members that count: created, starting or active, not just ended, not misplaced. Those on partitions that
        // did not answer count too (unreachable is no proof of death), but only reachable ones are ever chosen to go.
        var counting = current
            .Where(m => MemberLifecycle.CountsTowardsDesired(m.State) && !ended.Contains(m.MemberId) && !misplaced.Contains(m))
            .ToList();
        var placeable = snapshot.Partitions.Where(p => answered.Contains(p.PartitionId)).DistinctBy(p => p.PartitionId).ToList();
        var perPartition = placeable.ToDictionary(p => p.PartitionId, p => counting.Count(m => m.PartitionId == p.PartitionId));

        for (var missing = snapshot.DesiredMembers - counting.Count; missing > 0; missing--)
        {
            var target = PartitionSelector.ForNewMember(Loads(placeable, perPartition), snapshot.Algorithm);
            if (target is not { } partition)
            {
                actions.Add(new CannotPlace(missing));
                break;
            }

            perPartition[partition]++;
            actions.Add(new StartMember(partition));
        }

        actions.AddRange(misplaced.Select(m => m.State == MemberState.Active
            ? (ReconcileAction)new DrainMember(m.MemberId)
            : new TerminateMember(m.MemberId)));

        // Outdated members that serve nothing go now; serving ones once the release has enough Active members.
        var replaced = counting.Count(m => m.State == MemberState.Active) >= snapshot.DesiredMembers;
        actions.AddRange(outdated
            .Where(m => m.State != MemberState.Active || replaced)
            .Select(m => m.State == MemberState.Active ? (ReconcileAction)new DrainMember(m.MemberId) : new TerminateMember(m.MemberId)));

        // Scaling down looks at reachable members only: with a partition silent, its members might be the ones gone,
        // so the cluster keeps the desired number where it can be seen.
        var removable = counting.Where(m => perPartition.ContainsKey(m.PartitionId)).ToList();
        for (var extra = removable.Count - snapshot.DesiredMembers; extra > 0; extra--)
        {
            if (PartitionSelector.ForRemoval(Loads(placeable, perPartition), snapshot.Algorithm) is not { } partition)
            {
                break;
            }

            // Not-yet-active members go first (they serve nothing: terminate them), then the youngest Active (drain it).
            var victim = removable.Where(m => m.PartitionId == partition)
                .OrderBy(m => m.State == MemberState.Active)
                .ThenByDescending(m => m.CreatedAt)
                .First();
            removable.Remove(victim);
            perPartition[partition]--;
            actions.Add(victim.State == MemberState.Active ? new DrainMember(victim.MemberId) : new TerminateMember(victim.MemberId));
        }

        return actions;
    }

    private static List<PartitionLoad> Loads(IReadOnlyList<PartitionSlot> partitions, Dictionary<Guid, int> perPartition) =>
        [.. partitions.Select(p => new PartitionLoad(p, perPartition[p.PartitionId]))];
}
