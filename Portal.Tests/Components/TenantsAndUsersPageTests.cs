using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Admin;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Tenancy;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>The admin's Tenants and Users pages on the real services and a real database: suspend and resume, disable and enable, each confirmed first.</summary>
public sealed class TenantsAndUsersPageTests : AutoscalingComponentContext
{
    private async Task<PortalUser> AddUserAsync(string email)
    {
        Services.AddLogging();
        Services.AddIdentityCore<PortalUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>();
        Services.AddScoped<TenantSuspensions>();
        Services.AddScoped<TenantDirectory>();
        Services.AddScoped<UserDirectory>();
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, TenantId = Database.TenantId, CreatedAt = DateTimeOffset.UtcNow };
        Assert.True((await users.CreateAsync(user, "Passw0rd-Long")).Succeeded);
        return user;
    }

    [Fact]
    public async Task An_admin_suspends_a_tenant_after_confirming_and_resumes_it()
    {
        await AddUserAsync("ana@acme.test");
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var page = Render<Tenants>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=tenant-state]").Count), Patience);
        string StateOf(int row) => page.FindAll("[data-testid=tenant-state]")[row].GetAttribute("data-suspended")!;

        page.FindAll("[data-testid=tenant-suspend]")[0].Click();
        Assert.Contains("Its 1 users are signed out and cannot sign in", MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");
        Assert.Equal("false", StateOf(0));

        page.FindAll("[data-testid=tenant-suspend]")[0].Click();
        Dialogs.WaitForElement("input[data-testid=suspend-reason]", Patience).Input("The invoice of October is unpaid.");
        Answer("Suspend");
        page.WaitForAssertion(() => Assert.Equal("true", StateOf(0)), Patience);
        Assert.Contains("The invoice of October is unpaid.", page.FindAll("[data-testid=tenant-state]")[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("false", StateOf(1)); // the other tenant goes on
        Assert.Contains($"{Tenant} is suspended.", Snackbars);
        await using (var db = Database.OpenForPlatform())
        {
            Assert.Equal("The invoice of October is unpaid.", db.Tenants.Single(t => t.Slug == Tenant).SuspendedReason);
        }

        page.Find("[data-testid=tenant-resume]").Click();
        page.WaitForAssertion(() => Assert.Equal("false", StateOf(0)), Patience);
        Assert.Contains($"{Tenant} is active again.", Snackbars);
    }

    [Fact]
    public async Task An_admin_finds_a_user_disables_them_after_confirming_and_enables_them_again()
    {
        var user = await AddUserAsync("ana@acme.test");
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var page = Render<Users>();
        page.WaitForAssertion(() => Assert.Equal(["ana@acme.test"], page.FindAll("[data-testid=user-email]").Select(e => e.TextContent.Trim())), Patience);
        Assert.Equal("Active", TextOf(page, "user-state"));

        page.Find("[data-testid=user-disable]").Click();
        Assert.Contains("Disable ana@acme.test (acme)?", MessageBoxText(), StringComparison.Ordinal);
        Answer("Disable");
        page.WaitForAssertion(() => Assert.Equal("Disabled", TextOf(page, "user-state")), Patience);
        using (var scope = Services.CreateScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<UserDirectory>().IsDisabledAsync(user.Email!, "Passw0rd-Long"));
        }

        page.Find("[data-testid=user-enable]").Click();
        page.WaitForAssertion(() => Assert.Equal("Active", TextOf(page, "user-state")), Patience);

        Type(page, "users-tenant", "nobody");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal("There is no tenant 'nobody'.", ErrorUnder(page, "users-tenant")), Patience);
        Assert.Equal("No user matches.", TextOf(page, "users-empty"));
    }
}
