using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Pages.Usage;
using Portal.Core.Metering;
using Portal.Infrastructure.Metering;

namespace Portal.Tests.Components;

/// <summary>The usage pages on the real <see cref="UsageReports"/> and a real SQLite database: the tenant's own rows per day and application, totals in hours, the CSV link; the admin's across tenants.</summary>
public sealed class UsagePageTests : AutoscalingComponentContext
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddScoped<UsageReports>();
        await SeedAsync(Database.TenantId, Record(Database.ApplicationId, "web", Today, 5400, 1350));
        await SeedAsync(Database.TenantId, Record(Guid.NewGuid(), "db", Today.AddDays(-1), 3600, 1800)); // a deleted application's usage too
        await SeedAsync(Database.TenantId, Record(Guid.NewGuid(), "old", Today.AddDays(-40), 3600, 900)); // before the last 30 days
        await SeedAsync(Database.OtherTenantId, Record(Database.OtherApplicationId, "web", Today, 7200, 1800));
    }

    private static UsageRecord Record(Guid application, string name, DateOnly day, double seconds, double gibSeconds)
    {
        var record = new UsageRecord { ApplicationId = application, ApplicationName = name, Day = day };
        record.Add(new DailyUsage(day, seconds, gibSeconds));
        return record;
    }

    private async Task SeedAsync(Guid tenant, UsageRecord record)
    {
        await using var db = Database.Open(tenant);
        db.UsageRecords.Add(record);
        await db.SaveChangesAsync();
    }

    private IRenderedComponent<T> RenderUsage<T>() where T : Microsoft.AspNetCore.Components.IComponent
    {
        RenderProviders();
        var page = Render<T>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-circular")), Patience);
        return page;
    }

    private static List<string[]> Rows<T>(IRenderedComponent<T> page, params string[] columns) where T : Microsoft.AspNetCore.Components.IComponent =>
        [.. page.FindAll("[data-testid=usage-row]").Select(r => columns.Select(c => TextOf(r, c)).ToArray())];

    [Fact]
    public void The_tenant_sees_its_own_usage_of_the_last_30_days_per_day_and_application_in_hours_with_totals_and_the_CSV_link()
    {
        var page = RenderUsage<UsagePage>();

        Assert.Equal(
            [[UsageLabels.Day(Today.AddDays(-1)), "db", "1.00", "0.50"], [UsageLabels.Day(Today), "web", "1.50", "0.38"]],
            Rows(page, "usage-date", "usage-application", "usage-member-hours", "usage-gib-hours"));
        Assert.Empty(page.FindAll("[data-testid=usage-tenant]"));
        Assert.Equal("2.50", page.Find("[data-testid=usage-total-member-hours]").TextContent.Trim());
        Assert.Equal("0.88", page.Find("[data-testid=usage-total-gib-hours]").TextContent.Trim());
        Assert.Equal($"/usage/export.csv?from={UsageLabels.Day(Today.AddDays(-29))}&to={UsageLabels.Day(Today)}",
            page.Find("[data-testid=usage-download]").GetAttribute("href"));
    }

    [Fact]
    public async Task Choosing_the_first_day_narrows_the_period_and_a_reversed_period_is_refused()
    {
        var page = RenderUsage<UsagePage>();
        var from = page.FindComponents<MudDatePicker>()[0];

        await page.InvokeAsync(() => from.Instance.DateChanged.InvokeAsync(Today.AddDays(-60).ToDateTime(TimeOnly.MinValue)));
        page.WaitForAssertion(() => Assert.Equal(["old", "db", "web"], Rows(page, "usage-application").Select(r => r[0])), Patience);
        Assert.Equal("3.50", page.Find("[data-testid=usage-total-member-hours]").TextContent.Trim());

        await page.InvokeAsync(() => from.Instance.DateChanged.InvokeAsync(Today.AddDays(1).ToDateTime(TimeOnly.MinValue)));
        page.WaitForAssertion(() => Assert.Contains("is after to", page.Find("[data-testid=usage-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Empty(page.FindAll("[data-testid=usage-download]"));
    }

    [Fact]
    public void A_platform_admin_sees_every_tenants_usage_with_the_tenant_and_the_admin_CSV_link()
    {
        Database.SignInAsPlatformAdmin();

        var page = RenderUsage<Portal.Components.Pages.Admin.Usage>();

        var rows = Rows(page, "usage-tenant", "usage-application", "usage-member-hours");
        Assert.Equal([[AutoscalingDatabase.Tenant, "db", "1.00"], [AutoscalingDatabase.Tenant, "web", "1.50"], [AutoscalingDatabase.OtherTenant, "web", "2.00"]], rows);
        Assert.StartsWith("/admin/usage/export.csv?from=", page.Find("[data-testid=usage-download]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_without_usage_of_its_own_sees_none_of_another_tenants()
    {
        await using (var db = Database.Open(Database.TenantId))
        {
            await db.UsageRecords.ExecuteDeleteAsync(); // only acme's go (the filter scopes deletes too); globex's stay
        }

        var page = RenderUsage<UsagePage>();
        Assert.Equal(UsageLabels.NoUsage, page.Find("[data-testid=usage-empty]").TextContent.Trim());
    }
}
