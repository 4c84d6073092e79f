using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Admin;
using Portal.Core.Auditing;
using Portal.Infrastructure.Auditing;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>The admin's audit log page on the real service and a real database: newest first, narrowed by tenant, an unknown tenant named at its field.</summary>
public sealed class AuditPageTests : AutoscalingComponentContext
{
    [Fact]
    public async Task An_admin_reads_the_changes_newest_first_narrows_them_by_tenant_and_is_told_of_an_unknown_one()
    {
        var now = DateTimeOffset.UtcNow;
        await using (var db = Database.OpenForPlatform())
        {
            db.AuditEntries.AddRange(
                new AuditEntry { At = now.AddMinutes(-3), Actor = "dev@acme.test", TenantId = Database.TenantId, Action = AuditAction.Added, Entity = "Application", EntityId = "1", Name = "shop", After = """{"MaxMembers":3}""" },
                new AuditEntry { At = now.AddMinutes(-2), Actor = "ops@platform.test", Action = AuditAction.Modified, Entity = "Cartridge", EntityId = "2", Name = "php", Before = """{"CpuLimit":0.5}""", After = """{"CpuLimit":1}""" },
                new AuditEntry { At = now.AddMinutes(-1), Actor = "dev@globex.test", TenantId = Database.OtherTenantId, Action = AuditAction.Deleted, Entity = "Application", EntityId = "3", Name = "blog", Before = """{"Name":"blog"}""" });
            await db.SaveChangesAsync();
        }

        Services.AddScoped<AuditLog>();
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var page = Render<Audit>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=audit-what]").Count), Patience);
        Assert.Equal(["dev@globex.test", "ops@platform.test", "dev@acme.test"], page.FindAll("[data-testid=audit-who]").Select(e => e.TextContent.Trim()));
        Assert.Equal([OtherTenant, "platform", Tenant], page.FindAll("[data-testid=audit-tenant-of]").Select(e => e.TextContent.Trim()));
        Assert.Equal("Modified Cartridge php", string.Join(' ', page.FindAll("[data-testid=audit-what]")[1].TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(("""{"CpuLimit":0.5}""", """{"CpuLimit":1}"""), (page.FindAll("[data-testid=audit-before]")[1].TextContent, page.FindAll("[data-testid=audit-after]")[1].TextContent));

        page.Find("input[data-testid=audit-tenant]").Change(Tenant);
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal(["dev@acme.test"], page.FindAll("[data-testid=audit-who]").Select(e => e.TextContent.Trim())), Patience);

        page.Find("input[data-testid=audit-tenant]").Change("nobody");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-input-error .mud-input-helper-text, .mud-input-helper-text.mud-input-error"),
            e => e.TextContent.Contains("There is no tenant 'nobody'.", StringComparison.Ordinal)), Patience);
        Assert.Equal("No change matches.", page.Find("[data-testid=audit-empty]").TextContent.Trim());
    }
}
