using Bunit;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Pages.Applications;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>
/// The application details page with autoscaling, on the real services and a real database: an autoscaled application
/// is not scaled by hand, the autoscaling card and the decisions show for non-data applications only.
/// </summary>
public sealed class ApplicationDetailsAutoscalingTests : AutoscalingComponentContext
{
    [Fact]
    public async Task An_autoscaled_application_says_by_which_policy_instead_of_offering_the_scale_control()
    {
        var policy = await Database.AddPolicyAsync("web-cpu");
        await Database.UsePolicyAsync(Database.TenantId, Application, policy, 1, 4);

        var page = RenderApplicationPage(Application);

        Assert.Equal("Autoscaled by policy web-cpu between 1 and 4 members.", page.Find("[data-testid=scale-autoscaled]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=scale-members]"));
        Assert.Empty(page.FindAll("[data-testid=scale-apply]"));
        page.WaitForAssertion(() => Assert.Equal("web-cpu", page.FindComponent<AutoscalingCard>().FindComponent<MudSelect<string>>().Instance.GetState(x => x.Value)), Patience);
        Assert.NotNull(page.Find("[data-testid=scaling-timeline]"));
    }

    [Fact]
    public void An_application_scaled_by_hand_offers_the_scale_control()
    {
        var page = RenderApplicationPage(Application);

        Assert.Empty(page.FindAll("[data-testid=scale-autoscaled]"));
        Assert.NotNull(page.Find("input[data-testid=scale-members]"));
        Assert.NotNull(page.Find("[data-testid=autoscaling-card]"));
        Assert.NotNull(page.Find("[data-testid=scaling-timeline]"));
    }

    [Fact]
    public async Task Saving_a_policy_on_the_card_turns_the_scale_control_into_the_autoscaled_note()
    {
        await Database.AddPolicyAsync("web-cpu");
        var page = RenderApplicationPage(Application);
        var card = page.FindComponent<AutoscalingCard>();
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=autoscaling-save]").HasAttribute("disabled")), Patience);
        await card.InvokeAsync(() => card.FindComponent<MudSelect<string>>().Instance.SelectOption("web-cpu"));
        card.Find("input[data-testid=autoscaling-max]").Change("3");

        card.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("Autoscaled by policy web-cpu between 1 and 3 members.",
            page.Find("[data-testid=scale-autoscaled]").TextContent.Trim()), Patience);
        Assert.Empty(page.FindAll("[data-testid=scale-members]"));
    }

    [Fact]
    public void A_data_application_has_neither_autoscaling_nor_decisions()
    {
        var page = RenderApplicationPage(DataApplication);

        Assert.NotNull(page.Find("[data-testid=scale-fixed]"));
        Assert.Empty(page.FindAll("[data-testid=autoscaling-card]"));
        Assert.Empty(page.FindAll("[data-testid=scaling-timeline]"));
    }
}
