using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Pages.Admin;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>A platform admin sets a tenant's quota on the real service and a real database: usage shown, bad figures refused at their field, saved figures kept.</summary>
public sealed class QuotaEditorTests : AutoscalingComponentContext
{
    private IRenderedComponent<QuotaEditor> RenderEditor()
    {
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var editor = Render<QuotaEditor>(p => p.Add(c => c.Tenant, Tenant));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-testid=quota-usage]")), Patience);
        return editor;
    }

    [Fact]
    public async Task The_admin_sees_what_the_tenant_uses_and_saves_a_quota()
    {
        var editor = RenderEditor();
        Assert.Equal("Uses 2 applications, 2 members and 768 MB of memory.", TextOf(editor, "quota-usage")); // php 256 MB, mysql 512 MB

        Type(editor, "quota-members", "4");
        Type(editor, "quota-memory", "2048");
        editor.Find("[data-testid=quota-form]").Submit();

        editor.WaitForAssertion(() => Assert.Contains($"The quota of {Tenant} is saved.", Snackbars), Patience);
        await using var db = Database.Open(Database.TenantId);
        var saved = await db.Tenants.AsNoTracking().SingleAsync(t => t.Slug == Tenant);
        Assert.Equal((4, 2048, (int?)null), (saved.MaxMembers, saved.MaxMemoryMb, saved.MaxApplications));
    }

    [Fact]
    public async Task A_negative_figure_is_refused_at_its_field_and_nothing_is_saved()
    {
        var editor = RenderEditor();

        Type(editor, "quota-applications", "-1");
        editor.Find("[data-testid=quota-form]").Submit();

        Assert.Equal("The maximum of applications must be between 0 and 1,000,000, or empty for no limit.", ErrorUnder(editor, "quota-applications"));
        await using var db = Database.Open(Database.TenantId);
        Assert.Null((await db.Tenants.AsNoTracking().SingleAsync(t => t.Slug == Tenant)).MaxApplications);
        Assert.DoesNotContain($"The quota of {Tenant} is saved.", Snackbars);
    }
}
