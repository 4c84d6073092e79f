using Portal.Core.Tenancy;

namespace Portal.Tests.Core;

public sealed class QuotaRulesTests
{
    private static readonly TenantUsage Using = new(Applications: 2, Members: 4, MemoryMb: 1024);

    [Fact]
    public void Without_a_quota_everything_fits()
    {
        Assert.Null(QuotaRules.CheckNewApplication(TenantQuota.None, Using, 100, 512));
        Assert.Null(QuotaRules.Room(TenantQuota.None, Using, 256));
        Assert.False(TenantQuota.None.Limits);
    }

    [Fact]
    public void Applications_members_and_memory_each_bound_what_is_added()
    {
        Assert.Contains("allows 2 applications, and it has 2", QuotaRules.CheckNewApplication(new(null, null, 2), Using, 1, 256));
        Assert.Null(QuotaRules.CheckNewApplication(new(null, null, 3), Using, 1, 256));
        Assert.Contains("allows 5 members in all; its applications run 4, and 2 more", QuotaRules.CheckMoreMembers(new(5, null, null), Using, 2, 256));
        Assert.Null(QuotaRules.CheckMoreMembers(new(5, null, null), Using, 1, 256));
        Assert.Contains("allows 1536 MB of memory in all; its members use 1024 MB, and 3 more of 256 MB each need 768 MB",
            QuotaRules.CheckMoreMembers(new(null, 1536, null), Using, 3, 256));
        Assert.Null(QuotaRules.CheckMoreMembers(new(null, 1536, null), Using, 2, 256));
        Assert.Null(QuotaRules.CheckMoreMembers(new(0, 0, 0), Using, 0, 256)); // nothing added: nothing to refuse
    }

    [Fact]
    public void The_room_left_is_the_tighter_of_members_and_memory_and_never_negative()
    {
        Assert.Equal(6, QuotaRules.Room(new(10, null, null), Using, 256));
        Assert.Equal(2, QuotaRules.Room(new(10, 1536, null), Using, 256));
        Assert.Equal(0, QuotaRules.Room(new(3, null, null), Using, 256));
        Assert.Equal(0, QuotaRules.Room(new(null, 512, null), Using, 256));
    }

    [Fact]
    public void Figures_must_be_zero_to_a_million_or_empty()
    {
        Assert.Empty(TenantQuota.Validate(null, 0, TenantQuota.Largest));
        var errors = TenantQuota.Validate(-1, TenantQuota.Largest + 1, 5);
        Assert.Equal(["maxMembers", "maxMemoryMb"], errors.Keys.Order());
    }
}
