using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Pages.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Tenancy;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>A tenant at its quota, on the real services and a real database: its applications page shows the quota, and a new application is refused with the reason.</summary>
public sealed class QuotaRefusalTests : AutoscalingComponentContext
{
    private async Task SetQuotaAsync(TenantQuota quota)
    {
        await using var db = Database.Open(Database.TenantId);
        (await db.Tenants.SingleAsync(t => t.Id == Database.TenantId)).SetQuota(quota);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_tenant_at_its_application_quota_sees_it_and_is_told_why_a_new_one_is_refused()
    {
        await SetQuotaAsync(new TenantQuota(MaxMembers: 10, MaxMemoryMb: null, MaxApplications: 2));
        RenderProviders();

        var summary = Render<QuotaSummary>();
        summary.WaitForAssertion(() => Assert.Equal("Your quota: 2 of 2 applications · 2 of 10 members", TextOf(summary, "quota-summary")), Patience);

        var php = Cartridge.From(BuiltInCartridges.Php, builtIn: true, Start);
        var page = Render<NewApplication>(p => p.Add(c => c.Cartridges, [php]));
        page.Find("input[data-testid=application-name]").Change("shop");
        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Cartridge").Instance.SelectOption("php"));
        page.Find("[data-testid=new-application-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal(
            "Your tenant's quota allows 2 applications, and it has 2. Delete one, or ask a platform admin for more.",
            TextOf(page, "new-application-error")), Patience);
        await using var db = Database.Open(Database.TenantId);
        Assert.False(await db.Applications.AnyAsync(a => a.Name == "shop"));
    }
}
