using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Admin;
using Portal.Core.Applications;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Partitions;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>The admin overview on the real service and a real database: every tenant's applications, members per partition and recent failures.</summary>
public sealed class OverviewPageTests : AutoscalingComponentContext
{
    [Fact]
    public async Task An_admin_sees_every_tenants_applications_and_a_members_fault()
    {
        var partition = await Database.AddPartitionAsync();
        var now = DateTimeOffset.UtcNow;
        var faulted = new Member { TenantId = Database.OtherTenantId, ApplicationId = Database.OtherApplicationId, PartitionId = partition, CreatedAt = now.AddMinutes(-3) };
        faulted.MoveTo(MemberState.Starting, now.AddMinutes(-3));
        faulted.MoveTo(MemberState.Faulted, now.AddMinutes(-2), "Its container stopped (exit code 1).");
        var serving = new Member { TenantId = Database.TenantId, ApplicationId = Database.ApplicationId, PartitionId = partition, CreatedAt = now.AddMinutes(-1) };
        serving.MoveTo(MemberState.Starting, now.AddMinutes(-1));
        serving.MoveTo(MemberState.Active, now.AddSeconds(-30));
        await Database.AddHistoryAsync(Database.OtherTenantId, [faulted]);
        await Database.AddHistoryAsync(Database.TenantId, [serving]);
        Services.AddSingleton<PartitionMonitor>();
        Services.AddScoped<PlatformOverview>();
        Database.SignInAsPlatformAdmin();
        RenderProviders();

        var page = Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal("3", TextOf(page, "overview-applications")), Patience);
        Assert.Equal("2", TextOf(page, "overview-tenants"));
        Assert.Equal("1 of 3", TextOf(page, "overview-members"));
        Assert.Equal([(Tenant, DataApplication), (Tenant, AutoscalingDatabase.Application), (OtherTenant, AutoscalingDatabase.Application)],
            page.FindAll("[data-testid=overview-application-list] tbody tr")
                .Select(r => (TextOf(r, "overview-application-tenant"), TextOf(r, "overview-application"))));
        Assert.Equal("Member faulted", TextOf(page, "overview-failure-kind"));
        Assert.Equal($"Member {Member.ShortId(faulted.Id)}: Its container stopped (exit code 1).", TextOf(page, "overview-failure-detail"));
        var row = page.FindAll("[data-testid=overview-partitions] tbody tr").Single(r => TextOf(r, "overview-partition").StartsWith("p-", StringComparison.Ordinal));
        Assert.Equal("1", TextOf(row, "overview-partition-members")); // the Active one; a faulted member runs nothing
    }
}
