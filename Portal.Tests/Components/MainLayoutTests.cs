using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Layout;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Tenancy;

namespace Portal.Tests.Components;

/// <summary>The layout: app bar, navigation drawer, dark mode toggle and what each role sees.</summary>
public sealed class MainLayoutTests : BunitContext
{
    public MainLayoutTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private IRenderedComponent<MainLayout> RenderLayout()
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id='body'>page body</p>"))));
    }

    [Fact]
    public void Anonymous_visitors_get_the_app_bar_the_body_and_sign_in_links()
    {
        AddAuthorization();

        var layout = RenderLayout();

        Assert.NotNull(layout.Find(".mud-appbar"));
        Assert.NotNull(layout.Find(".mud-drawer"));
        Assert.Equal("page body", layout.Find("#body").TextContent);
        Assert.Contains(layout.FindAll("a"), a => a.GetAttribute("href") == "Account/Login");
        Assert.Contains(layout.FindAll("a"), a => a.GetAttribute("href") == "Account/Register");
        Assert.DoesNotContain(layout.FindAll("a"), a => a.GetAttribute("href") == "team");
    }

    [Fact]
    public void The_dark_mode_toggle_switches_the_theme()
    {
        AddAuthorization();
        var layout = RenderLayout();
        Assert.Contains(PortalTheme.Theme.PaletteLight.Primary.ToString(MudBlazor.Utilities.MudColorOutputFormats.RGBA), PrimaryColor(layout), StringComparison.Ordinal);

        layout.Find("[data-testid=dark-mode-toggle]").Click();

        Assert.Contains(PortalTheme.Theme.PaletteDark.Primary.ToString(MudBlazor.Utilities.MudColorOutputFormats.RGBA), PrimaryColor(layout), StringComparison.Ordinal);
        layout.Find("[data-testid=dark-mode-toggle]").Click();
        Assert.Contains(PortalTheme.Theme.PaletteLight.Primary.ToString(MudBlazor.Utilities.MudColorOutputFormats.RGBA), PrimaryColor(layout), StringComparison.Ordinal);
    }

    /// <summary>The primary colour the theme provider's style sheet sets.</summary>
    private static string PrimaryColor(IRenderedComponent<MainLayout> layout)
    {
        var css = string.Join("\n", layout.FindAll("style").Select(s => s.TextContent));
        var start = css.IndexOf("--mud-palette-primary:", StringComparison.Ordinal);
        Assert.True(start >= 0, "the theme sets --mud-palette-primary");
        return css[start..css.IndexOf(';', start)];
    }

    [Fact]
    public void The_navigation_drawer_toggles_from_the_menu_button()
    {
        AddAuthorization();
        var layout = RenderLayout();
        bool IsOpen() => layout.Find(".mud-drawer").ClassList.Contains("mud-drawer--open");
        var wasOpen = IsOpen();

        layout.Find("button[aria-label='Toggle navigation']").Click();
        Assert.NotEqual(wasOpen, IsOpen());

        layout.Find("button[aria-label='Toggle navigation']").Click();
        Assert.Equal(wasOpen, IsOpen());
    }

    [Fact]
    public void A_signed_in_user_sees_their_tenant_the_team_link_and_sign_out()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("founder@acme.test");
        auth.SetRoles(PortalRoles.TenantAdmin);
        auth.SetClaims(new System.Security.Claims.Claim(PortalClaimTypes.Tenant, "acme"));

        var layout = RenderLayout();

        Assert.Equal("founder@acme.test · acme", layout.Find("[data-testid=signed-in-as]").TextContent.Trim());
        Assert.Contains(layout.FindAll("a"), a => a.GetAttribute("href") == "team");
        Assert.NotNull(layout.Find("[data-testid=sign-out]"));
        Assert.DoesNotContain(layout.FindAll("a"), a => a.GetAttribute("href") == "admin/tenants");
    }

    [Fact]
    public void Only_platform_admins_see_the_admin_console()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("ops@platform.test");
        auth.SetRoles(PortalRoles.PlatformAdmin);
        auth.SetPolicies(PortalPolicies.PlatformAdmin);

        var layout = RenderLayout();

        Assert.Contains(layout.FindAll("a"), a => a.GetAttribute("href") == "admin/tenants");
    }
}
