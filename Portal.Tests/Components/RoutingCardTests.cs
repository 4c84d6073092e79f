using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Extensions;
using MudBlazor.Services;
using Portal.Components.Pages.Applications;
using Portal.Core.Applications;
using Portal.Core.Common;
using Portal.Core.Routing;
using Portal.Routing;

namespace Portal.Tests.Components;

/// <summary>The application's routing card: its address, its custom domains, and saving how the router serves it.</summary>
public sealed class RoutingCardTests : BunitContext
{
    private static readonly ApplicationRouting Saved = new("acme", ["shop.example.com"], LoadBalancingAlgorithm.RoundRobin, StickySessions: false);

    private readonly List<ApplicationRouting> submitted = [];
    private Failure? answer;

    public RoutingCardTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Options.Create(new RouterOptions { AppsDomain = "apps.test", Port = 8080 }));
    }

    private IRenderedComponent<RoutingCard> RenderCard(ApplicationRouting? routing = null)
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        return Render<RoutingCard>(p => p
            .Add(c => c.Name, "shop")
            .Add(c => c.Routing, routing ?? Saved)
            .Add(c => c.Save, choice =>
            {
                submitted.Add(choice);
                return Task.FromResult(answer);
            }));
    }

    private static async Task ChooseAsync(IRenderedComponent<RoutingCard> card, LoadBalancingAlgorithm algorithm)
    {
        var select = card.FindComponent<MudSelect<LoadBalancingAlgorithm>>();
        await card.InvokeAsync(() => select.Instance.SelectOption(algorithm));
    }

    private static bool SaveDisabled(IRenderedComponent<RoutingCard> card) => card.Find("[data-testid=routing-save]").HasAttribute("disabled");

    [Fact]
    public void The_address_and_the_custom_domains_are_links_opening_in_a_new_tab()
    {
        var card = RenderCard();

        var address = card.Find("a[data-testid=routing-url]");
        Assert.Equal("http://shop.acme.apps.test:8080/", address.GetAttribute("href"));
        Assert.Equal("http://shop.acme.apps.test:8080/", address.TextContent.Trim());
        Assert.Equal("_blank", address.GetAttribute("target"));
        var domain = card.Find("a[data-testid=routing-domain]");
        Assert.Equal("http://shop.example.com:8080/", domain.GetAttribute("href"));
        Assert.Equal("_blank", domain.GetAttribute("target"));
    }

    [Fact]
    public void Without_custom_domains_it_says_so()
    {
        var card = RenderCard(Saved with { CustomDomains = [] });

        Assert.Empty(card.FindAll("[data-testid=routing-domain]"));
        Assert.Contains("None", card.Find("[data-testid=routing-domains]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void It_shows_the_saved_choices_with_what_they_do_and_nothing_to_save_yet()
    {
        var card = RenderCard();

        Assert.Equal(LoadBalancingAlgorithm.RoundRobin, card.FindComponent<MudSelect<LoadBalancingAlgorithm>>().Instance.GetState(x => x.Value));
        Assert.False(card.FindComponent<MudSwitch<bool>>().Instance.GetState(x => x.Value));
        Assert.Contains("Each member in turn.", card.Markup, StringComparison.Ordinal);
        Assert.Contains(RoutingLabels.StickySessionsHelp, card.Markup, StringComparison.Ordinal);
        Assert.True(SaveDisabled(card));
    }

    [Fact]
    public async Task The_chosen_algorithm_and_stickiness_are_saved()
    {
        var card = RenderCard();

        await ChooseAsync(card, LoadBalancingAlgorithm.LeastRequests);
        card.Find("input[data-testid=routing-sticky]").Change(true);
        Assert.Contains("fewest requests in flight", card.Markup, StringComparison.Ordinal);
        Assert.False(SaveDisabled(card));
        card.Find("[data-testid=routing-save]").Click();

        var choice = Assert.Single(submitted);
        Assert.Equal((LoadBalancingAlgorithm.LeastRequests, true), (choice.LoadBalancing, choice.StickySessions));
        Assert.Equal("acme", choice.Tenant);
        Assert.Equal(["shop.example.com"], choice.CustomDomains);
        Assert.Empty(card.FindAll("[data-testid=routing-error]"));
    }

    [Fact]
    public async Task A_refresh_keeps_what_the_user_is_choosing_and_follows_a_saved_change()
    {
        var card = RenderCard();
        await ChooseAsync(card, LoadBalancingAlgorithm.LeastRequests);

        card.Render(p => p.Add(c => c.Routing, Saved with { CustomDomains = ["shop.example.com"] })); // the page's auto-refresh
        Assert.Equal(LoadBalancingAlgorithm.LeastRequests, card.FindComponent<MudSelect<LoadBalancingAlgorithm>>().Instance.GetState(x => x.Value));

        card.Render(p => p.Add(c => c.Routing, Saved with { LoadBalancing = LoadBalancingAlgorithm.LeastRequests, StickySessions = true }));
        Assert.True(card.FindComponent<MudSwitch<bool>>().Instance.GetState(x => x.Value));
        Assert.True(SaveDisabled(card));
    }

    [Fact]
    public async Task A_failure_is_shown_in_the_card()
    {
        answer = Failure.NotFound("You have no application named 'shop'.");
        var card = RenderCard();
        await ChooseAsync(card, LoadBalancingAlgorithm.LeastRequests);

        card.Find("[data-testid=routing-save]").Click();

        Assert.Equal("You have no application named 'shop'.", card.Find("[data-testid=routing-error]").TextContent.Trim());
    }
}
