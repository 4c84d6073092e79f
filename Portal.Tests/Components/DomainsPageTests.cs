using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;
using Portal.Components.Pages.Admin;
using Portal.Core.Common;

namespace Portal.Tests.Components;

/// <summary>The custom domains page's "add a domain" form: the router's host rule inline, and the service's failures under their fields.</summary>
public sealed class DomainsPageTests : BunitContext
{
    private readonly List<(string Host, string Tenant, string Application)> submitted = [];
    private Failure? answer;

    public DomainsPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private IRenderedComponent<AddDomainForm> RenderForm()
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<AddDomainForm>(p => p
            .Add(f => f.AppsDomain, "apps.test")
            .Add(f => f.Add, form =>
            {
                submitted.Add((form.Host, form.Tenant, form.Application));
                return Task.FromResult(answer);
            }));
    }

    private static void Fill(IRenderedComponent<AddDomainForm> form, string host, string tenant, string application)
    {
        form.Find("input[data-testid=domain-host]").Change(host);
        form.Find("input[data-testid=domain-tenant]").Change(tenant);
        form.Find("input[data-testid=domain-application]").Change(application);
    }

    private static string ErrorUnder(IRenderedComponent<AddDomainForm> form, string testId) =>
        form.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    [Theory]
    [InlineData("shop", "'shop' is not a host name")]
    [InlineData("shop_1.example.com", "'shop_1.example.com' is not a host name")]
    [InlineData("shop.acme.apps.test", "'shop.acme.apps.test' is under apps.test")]
    public void A_bad_host_says_why_under_the_host_and_is_not_added(string host, string message)
    {
        var form = RenderForm();
        Fill(form, host, "acme", "shop");

        form.Find("form").Submit();

        Assert.StartsWith(message, ErrorUnder(form, "domain-host"), StringComparison.Ordinal);
        Assert.Empty(submitted);
    }

    [Fact]
    public void An_empty_form_names_what_is_missing()
    {
        var form = RenderForm();

        form.Find("form").Submit();

        Assert.Equal("Enter a host name, such as shop.example.com.", ErrorUnder(form, "domain-host"));
        Assert.Equal("Name the tenant (its slug, such as acme).", ErrorUnder(form, "domain-tenant"));
        Assert.Equal("Name the tenant's application.", ErrorUnder(form, "domain-application"));
        Assert.Empty(submitted);
    }

    [Fact]
    public void A_host_in_capitals_with_a_trailing_dot_is_accepted_as_the_service_stores_it()
    {
        var form = RenderForm();
        Fill(form, "Shop.Example.com.", "acme", "shop");

        form.Find("form").Submit();

        Assert.Equal(("Shop.Example.com.", "acme", "shop"), Assert.Single(submitted));
        Assert.Equal("", form.Find("input[data-testid=domain-host]").GetAttribute("value") ?? ""); // emptied for the next one
    }

    [Fact]
    public void The_services_failures_show_under_their_fields_and_clear_when_the_field_changes()
    {
        answer = Failure.Validation("application", "Tenant 'acme' has no application named 'shop'.");
        var form = RenderForm();
        Fill(form, "shop.example.com", "acme", "shop");

        form.Find("form").Submit();

        Assert.Single(submitted);
        Assert.Equal("Tenant 'acme' has no application named 'shop'.", ErrorUnder(form, "domain-application"));
        Assert.Empty(form.FindAll("[data-testid=domain-error]"));

        form.Find("input[data-testid=domain-application]").Change("store");

        Assert.Equal("", ErrorUnder(form, "domain-application"));
    }

    [Fact]
    public void A_host_taken_by_another_application_is_reported_under_the_host()
    {
        answer = Failure.Conflict("host", "shop.example.com serves other/web already: remove it there first.");
        var form = RenderForm();
        Fill(form, "shop.example.com", "acme", "shop");

        form.Find("form").Submit();

        Assert.Equal("shop.example.com serves other/web already: remove it there first.", ErrorUnder(form, "domain-host"));
    }

    [Fact]
    public void A_failure_without_a_field_is_shown_above_the_button()
    {
        answer = Failure.NotFound("The portal could not add the domain.");
        var form = RenderForm();
        Fill(form, "shop.example.com", "acme", "shop");

        form.Find("form").Submit();

        Assert.Equal("The portal could not add the domain.", form.Find("[data-testid=domain-error]").TextContent.Trim());
    }
}
