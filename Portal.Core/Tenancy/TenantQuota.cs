namespace Portal.Core.Tenancy;

/// <summary>What a platform admin allows a tenant: at most so many members, so much memory, so many applications (null: no limit).</summary>
public sealed record TenantQuota(int? MaxMembers, int? MaxMemoryMb, int? MaxApplications)
{
    public static readonly TenantQuota None = new(null, null, null);

    /// <summary>The largest number an admin can give (about 1 TiB of memory in MB; a million members).</summary>
    public const int Largest = 1_000_000;

    public bool Limits => MaxMembers is not null || MaxMemoryMb is not null || MaxApplications is not null;

    /// <summary>Each set figure must be 0 to <see cref="Largest"/>; errors keyed by the API's field names.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(int? maxMembers, int? maxMemoryMb, int? maxApplications)
    {
        var errors = new Dictionary<string, string[]>();
        void Check(string field, int? value, string what)
        {
            if (value is < 0 or > Largest)
            {
                errors[field] = [$"{what} must be between 0 and {Largest:N0}, or empty for no limit."];
            }
        }

        Check("maxMembers", maxMembers, "The maximum of members");
        Check("maxMemoryMb", maxMemoryMb, "The maximum of memory (MB)");
        Check("maxApplications", maxApplications, "The maximum of applications");
        return errors;
    }
}

/// <summary>What a tenant uses of its quota: its applications, the members they are meant to run, and those members' memory limits.</summary>
public sealed record TenantUsage(int Applications, int Members, long MemoryMb);

/// <summary>The quota's rules: what a tenant may still add, and the refusals in words.</summary>
public static class QuotaRules
{
    /// <summary>Why a new application of <paramref name="members"/> members of <paramref name="memoryMb"/> MB each does not fit; null when it does.</summary>
    public static string? CheckNewApplication(TenantQuota quota, TenantUsage usage, int members, int memoryMb)
    {
        if (quota.MaxApplications is { } apps && usage.Applications + 1 > apps)
        {
            return $"Your tenant's quota allows {Count(apps, "application")}, and it has {usage.Applications}. Delete one, or ask a platform admin for more.";
        }

        return CheckMoreMembers(quota, usage, members, memoryMb);
    }

    /// <summary>Why <paramref name="added"/> more members of <paramref name="memoryMb"/> MB each do not fit; null when they do (or none are added).</summary>
    public static string? CheckMoreMembers(TenantQuota quota, TenantUsage usage, int added, int memoryMb)
    {
        if (added <= 0)
        {
            return null;
        }

        if (quota.MaxMembers is { } most && usage.Members + added > most)
        {
            return $"Your tenant's quota allows {Count(most, "member")} in all; its applications run {usage.Members}, and {added} more were asked for. " +
                   "Ask a platform admin for more, or scale another application down.";
        }

        if (quota.MaxMemoryMb is { } memory && usage.MemoryMb + (long)added * memoryMb > memory)
        {
            return $"Your tenant's quota allows {memory} MB of memory in all; its members use {usage.MemoryMb} MB, and {added} more of {memoryMb} MB each " +
                   $"need {(long)added * memoryMb} MB. Ask a platform admin for more, or scale another application down.";
        }

        return null;
    }

    /// <summary>How many more members of <paramref name="memoryMb"/> MB each the quota lets the tenant add (null: no limit).</summary>
    public static int? Room(TenantQuota quota, TenantUsage usage, int memoryMb)
    {
        int? room = null;
        if (quota.MaxMembers is { } most)
        {
            room = Math.Max(0, most - usage.Members);
        }

        if (quota.MaxMemoryMb is { } memory && memoryMb > 0)
        {
            var fits = (int)Math.Clamp((memory - usage.MemoryMb) / memoryMb, 0, int.MaxValue);
            room = room is { } r ? Math.Min(r, fits) : fits;
        }

        return room;
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
