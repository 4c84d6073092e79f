using Portal.Core.Tenancy;

namespace Portal.Core.Metering;

/// <summary>
/// What one application of a tenant used on one UTC day: member-seconds and memory-GiB-seconds, added to by the meter.
/// It outlives the application (its id and name are kept, not a reference), so deleting one keeps what it used.
/// </summary>
public sealed class UsageRecord : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid ApplicationId { get; init; }

    /// <summary>The application's name when it was first metered that day.</summary>
    public string ApplicationName { get; init; } = "";

    public DateOnly Day { get; init; }

    /// <summary>Seconds its members' containers ran, summed over the members.</summary>
    public double MemberSeconds { get; private set; }

    /// <summary>Those seconds weighted by each member's reserved memory in GiB (its cartridge's memory limit / 1024).</summary>
    public double MemoryGibSeconds { get; private set; }

    public void Add(DailyUsage usage)
    {
        if (usage.Day != Day)
        {
            throw new ArgumentException($"Usage of {usage.Day:yyyy-MM-dd} cannot be added to {Day:yyyy-MM-dd}.", nameof(usage));
        }

        MemberSeconds += usage.MemberSeconds;
        MemoryGibSeconds += usage.MemoryGibSeconds;
    }
}
