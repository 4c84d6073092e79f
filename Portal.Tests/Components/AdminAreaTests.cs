using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Portal.Components.Pages.Admin;
using Portal.Tenancy;

namespace Portal.Tests.Components;

/// <summary>
/// Every page of the admin area is for platform admins: a page added there without the policy fails here (the e2e
/// suite sees a tenant admin turned away from each of them in a browser).
/// </summary>
public sealed class AdminAreaTests
{
    [Fact]
    public void Every_admin_page_requires_the_platform_admin_policy()
    {
        var pages = typeof(Audit).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Audit).Namespace && t.GetCustomAttributes<RouteAttribute>().Any())
            .ToList();

        Assert.True(pages.Count >= 9, $"only {pages.Count} admin pages found");
        Assert.All(pages, page =>
        {
            Assert.All(page.GetCustomAttributes<RouteAttribute>(), route => Assert.StartsWith("/admin", route.Template, StringComparison.Ordinal));
            Assert.Contains(page.GetCustomAttributes<AuthorizeAttribute>(inherit: true), a => a.Policy == PortalPolicies.PlatformAdmin);
        });
    }
}
