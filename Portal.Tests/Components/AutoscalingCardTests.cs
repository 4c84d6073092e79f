using Bunit;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Pages.Applications;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>An application's autoscaling card on the real service and a real database: choosing a policy and bounds, and the errors inline.</summary>
public sealed class AutoscalingCardTests : AutoscalingComponentContext
{
    private int changes;

    private IRenderedComponent<AutoscalingCard> RenderCard(string? policy = null, int min = 1, int max = 2)
    {
        RenderProviders();
        var card = Render<AutoscalingCard>(p => p
            .Add(c => c.Name, Application)
            .Add(c => c.Policy, policy)
            .Add(c => c.MinMembers, min)
            .Add(c => c.MaxMembers, max)
            .Add(c => c.OnChanged, () => changes++));
        card.WaitForAssertion(() => Assert.False(card.Find("[data-testid=autoscaling-save]").HasAttribute("disabled")), Patience);
        return card;
    }

    private static MudSelect<string> Select(IRenderedComponent<AutoscalingCard> card) => card.FindComponent<MudSelect<string>>().Instance;

    private static async Task PickAsync(IRenderedComponent<AutoscalingCard> card, string policy) =>
        await card.InvokeAsync(() => Select(card).SelectOption(policy));

    private static void Save(IRenderedComponent<AutoscalingCard> card) => card.Find("form").Submit();

    [Fact]
    public async Task It_offers_scaling_by_hand_and_every_policy_and_shows_the_application_as_it_is()
    {
        await Database.AddPolicyAsync("web-cpu");
        await Database.AddPolicyAsync("api-requests", p => (p.CpuPercent, p.RequestsInFlight) = (null, 20));

        var card = RenderCard();

        Assert.Equal(["", "api-requests", "web-cpu"], card.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value));
        Assert.Equal("", Select(card).GetState(x => x.Value));
        Assert.Equal("Off — scale by hand", Select(card).ToStringFunc!(Select(card).GetState(x => x.Value)));
        Assert.Equal("1", card.Find("input[data-testid=autoscaling-min]").GetAttribute("value"));
        Assert.Equal("2", card.Find("input[data-testid=autoscaling-max]").GetAttribute("value"));
    }

    [Fact]
    public async Task Saving_a_policy_and_bounds_stores_them_and_tells_the_page()
    {
        var policy = await Database.AddPolicyAsync("web-cpu");
        var card = RenderCard();
        await PickAsync(card, "web-cpu");
        Type(card, "autoscaling-min", "2");
        Type(card, "autoscaling-max", "5");

        Save(card);

        card.WaitForAssertion(() => Assert.Equal(1, changes), Patience);
        var stored = await Database.ApplicationAsync(Application);
        Assert.Equal((policy.Id, 2, 5), (stored.AutoscalingPolicyId, stored.MinMembers, stored.MaxMembers));
        Assert.Equal(2, stored.DesiredMembers); // kept within the new bounds
        Assert.Contains(Snackbars, s => s.Contains("web is autoscaled by web-cpu between 2 and 5 members", StringComparison.Ordinal));
        Assert.Empty(card.FindAll("[data-testid=autoscaling-error]"));
    }

    [Fact]
    public async Task A_min_above_the_max_is_refused_under_the_max_and_nothing_changes()
    {
        await Database.AddPolicyAsync("web-cpu");
        var card = RenderCard();
        await PickAsync(card, "web-cpu");
        Type(card, "autoscaling-min", "4");
        Type(card, "autoscaling-max", "3");

        Save(card);

        Assert.Equal("Max members must be between min members and 20.", ErrorUnder(card, "autoscaling-max"));
        Assert.Equal("", ErrorUnder(card, "autoscaling-min"));
        Assert.Equal(0, changes);
        var stored = await Database.ApplicationAsync(Application);
        Assert.Equal(((Guid?)null, 1, 2), (stored.AutoscalingPolicyId, stored.MinMembers, stored.MaxMembers));
    }

    [Fact]
    public async Task A_policy_deleted_meanwhile_is_refused_by_the_service_under_the_policy()
    {
        await Database.AddPolicyAsync("web-cpu");
        var card = RenderCard();
        await PickAsync(card, "web-cpu");
        await Database.RemovePolicyAsync("web-cpu");

        Save(card);

        card.WaitForAssertion(() => Assert.Equal("There is no autoscaling policy named 'web-cpu'.", ErrorUnder(card, "autoscaling-policy-select")), Patience);
        Assert.Equal(0, changes);
        Assert.Null((await Database.ApplicationAsync(Application)).AutoscalingPolicyId);
    }

    [Fact]
    public async Task Turning_autoscaling_off_keeps_the_bounds_and_scales_by_hand_again()
    {
        var policy = await Database.AddPolicyAsync("web-cpu");
        await Database.UsePolicyAsync(Database.TenantId, Application, policy, 1, 4);
        var card = RenderCard("web-cpu", 1, 4);
        Assert.Equal("web-cpu", Select(card).GetState(x => x.Value));

        await PickAsync(card, "");
        Save(card);

        card.WaitForAssertion(() => Assert.Equal(1, changes), Patience);
        var stored = await Database.ApplicationAsync(Application);
        Assert.Equal(((Guid?)null, 1, 4), (stored.AutoscalingPolicyId, stored.MinMembers, stored.MaxMembers));
        Assert.Contains(Snackbars, s => s.Contains("web is scaled by hand between 1 and 4 members", StringComparison.Ordinal));
    }
}
