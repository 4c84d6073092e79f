using Portal.Core.Partitions;

namespace Portal.Core.Applications;

/// <summary>A member as the database knows it.</summary>
public sealed record KnownMember(Guid MemberId, MemberState State, Guid PartitionId, DateTimeOffset CreatedAt);

/// <summary>What one reconciliation pass sees of a cluster.</summary>
public sealed record ClusterSnapshot
{
    public required int DesiredMembers { get; init; }

    public required IReadOnlyList<KnownMember> Members { get; init; }

    /// <summary>The cluster's containers found (by label) on the partitions that answered.</summary>
    public required IReadOnlyList<(Guid PartitionId, ObservedContainer Container)> Containers { get; init; }

    /// <summary>The deployment policy's partitions, in order, that answered this time.</summary>
    public required IReadOnlyList<PartitionSlot> ReachablePartitions { get; init; }

    public PartitionAlgorithm Algorithm { get; init; } = PartitionAlgorithm.RoundRobin;
}

public abstract record ReconcileAction;

/// <summary>The member's container died or vanished: record why; it is replaced by a new member.</summary>
public sealed record FaultMember(Guid MemberId, string Reason) : ReconcileAction;

/// <summary>A container no live member owns (left by a crash, or of a faulted member): remove it.</summary>
public sealed record RemoveContainer(Guid PartitionId, string ContainerId) : ReconcileAction;

/// <summary>The cluster is short of members: start one on this partition.</summary>
public sealed record StartMember(Guid PartitionId) : ReconcileAction;

/// <summary>The cluster has too many: take this member out of the router, let it finish, stop it.</summary>
public sealed record DrainMember(Guid MemberId) : ReconcileAction;

/// <summary>The cluster wants more members than its reachable partitions can hold.</summary>
public sealed record CannotPlace(int Missing) : ReconcileAction;

/// <summary>
/// Desired state against what runs: one pass of flow 2 (reconcile), as data. Members on partitions that did not
/// answer are left alone (a partition being unreachable is no proof that its containers died).
/// </summary>
public static class ReconciliationPlanner
{
    public static IReadOnlyList<ReconcileAction> Plan(ClusterSnapshot snapshot)
    {
        var actions = new List<ReconcileAction>();
        var reachable = snapshot.ReachablePartitions.Select(p => p.PartitionId).ToHashSet();
        var containersByMember = snapshot.Containers.ToLookup(c => c.Container.MemberId);
        var faulted = new HashSet<Guid>();

        foreach (var member in snapshot.Members.Where(m => MemberLifecycle.IsLive(m.State) && reachable.Contains(m.PartitionId)))
        {
            var running = containersByMember[member.MemberId].Any(c => c.Container.Running);
            if (!running)
            {
                faulted.Add(member.MemberId);
                actions.Add(new FaultMember(member.MemberId,
                    containersByMember[member.MemberId].Any() ? "Its container stopped." : "Its container is gone."));
            }
        }

        var owners = snapshot.Members
            .Where(m => (MemberLifecycle.IsLive(m.State) || m.State == MemberState.Created) && !faulted.Contains(m.MemberId))
            .Select(m => m.MemberId)
            .ToHashSet();
        actions.AddRange(snapshot.Containers
            .Where(c => reachable.Contains(c.PartitionId) && !owners.Contains(c.Container.MemberId))
            .Select(c => new RemoveContainer(c.PartitionId, c.Container.ContainerId)));

        // Members that count: created, starting or active, not just faulted. Those on unreachable partitions count too.
        var counting = snapshot.Members
            .Where(m => MemberLifecycle.CountsTowardsDesired(m.State) && !faulted.Contains(m.MemberId))
            .ToList();
        var perPartition = snapshot.ReachablePartitions.ToDictionary(p => p.PartitionId, p => counting.Count(m => m.PartitionId == p.PartitionId));

        for (var missing = snapshot.DesiredMembers - counting.Count; missing > 0; missing--)
        {
            var target = PartitionSelector.ForNewMember(Loads(snapshot, perPartition), snapshot.Algorithm);
            if (target is not { } partition)
            {
                actions.Add(new CannotPlace(missing));
                break;
            }

            perPartition[partition]++;
            actions.Add(new StartMember(partition));
        }

        var surplus = counting.Where(m => reachable.Contains(m.PartitionId)).ToList();
        for (var extra = counting.Count - snapshot.DesiredMembers; extra > 0; extra--)
        {
            if (PartitionSelector.ForRemoval(Loads(snapshot, perPartition), snapshot.Algorithm) is not { } partition)
            {
                break;
            }

            // Not-yet-active members go first, then the youngest.
            var victim = surplus.Where(m => m.PartitionId == partition)
                .OrderBy(m => m.State == MemberState.Active)
                .ThenByDescending(m => m.CreatedAt)
                .First();
            surplus.Remove(victim);
            perPartition[partition]--;
            actions.Add(new DrainMember(victim.MemberId));
        }

        return actions;
    }

    private static List<PartitionLoad> Loads(ClusterSnapshot snapshot, Dictionary<Guid, int> perPartition) =>
        [.. snapshot.ReachablePartitions.Select(p => new PartitionLoad(p, perPartition[p.PartitionId]))];
}
