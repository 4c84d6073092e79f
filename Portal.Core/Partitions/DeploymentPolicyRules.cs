using Portal.Core.Applications;
using Portal.Core.Common;

namespace Portal.Core.Partitions;

/// <summary>One partition of a deployment policy as an admin gives it: by name, with its cap and burst flag.</summary>
public sealed record PolicySlot(string? Partition, int MaxMembers, bool Burst);

/// <summary>
/// What a deployment policy needs: a name, an algorithm, and partitions that exist, each named once with a cap in
/// range, at least one not for bursting. Errors are keyed by field, a row's as <c>partitions[i].partition</c> or
/// <c>partitions[i].maxMembers</c>, so a form puts each under its field.
/// </summary>
public static class DeploymentPolicyRules
{
    public const int MaxPartitions = 20;

    public static string RowKey(int index, string field) => $"partitions[{index}].{field}";

    public static IReadOnlyDictionary<string, string[]> Validate(
        string? name, PartitionAlgorithm algorithm, IReadOnlyList<PolicySlot> slots, IReadOnlyCollection<string> knownPartitions)
    {
        var errors = new Dictionary<string, string[]>();
        if (!DnsLabel.IsValid(name, 2, 40))
        {
            errors["name"] = ["Use 2 to 40 lowercase letters, digits and single hyphens, starting with a letter."];
        }

        if (!Enum.IsDefined(algorithm))
        {
            errors["algorithm"] = ["Choose round-robin or one-after-another."];
        }

        if (slots.Count == 0)
        {
            errors["partitions"] = ["Add at least one partition."];
        }
        else if (slots.Count > MaxPartitions)
        {
            errors["partitions"] = [$"A policy names at most {MaxPartitions} partitions."];
        }
        else if (slots.All(s => s.Burst))
        {
            errors["partitions"] = ["A policy needs at least one partition that is not for bursting."];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            if (string.IsNullOrEmpty(slot.Partition))
            {
                errors[RowKey(i, "partition")] = ["Choose a partition."];
            }
            else if (!knownPartitions.Contains(slot.Partition))
            {
                errors[RowKey(i, "partition")] = [$"There is no partition named '{slot.Partition}'."];
            }
            else if (!seen.Add(slot.Partition))
            {
                errors[RowKey(i, "partition")] = [$"'{slot.Partition}' is named above already: name each partition once."];
            }

            if (slot.MaxMembers is < 1 or > ApplicationRules.MaxMembersLimit)
            {
                errors[RowKey(i, "maxMembers")] = [$"Between 1 and {ApplicationRules.MaxMembersLimit}."];
            }
        }

        return errors;
    }
}
