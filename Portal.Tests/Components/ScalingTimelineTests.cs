using AngleSharp.Dom;
using Bunit;
using Portal.Components.Pages.Applications;
using Portal.Core.Autoscaling;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>An application's autoscaling decisions on the real service and a real database: newest first, the figures, live, and only the tenant's own.</summary>
public sealed class ScalingTimelineTests : AutoscalingComponentContext
{
    private static readonly MetricEvaluation Cpu = new(ScalingMetric.Cpu, 70, 12, 85.34, 91.25, 0.1249, -0.0123, 196.66, 3);
    private static readonly MetricEvaluation Requests = new(ScalingMetric.RequestsInFlight, 20, 0, null, null, null, null, null, null);

    private ScalingDecision Decision(int minute, ScalingAction action, int from, int to, string reason, params MetricEvaluation[] metrics) => new()
    {
        TenantId = Database.TenantId, ApplicationId = Database.ApplicationId, At = Start.AddMinutes(minute), Action = action,
        FromMembers = from, ToMembers = to, Reason = reason, Policy = "web-cpu", Prediction = true, Horizon = TimeSpan.FromSeconds(12),
        ActiveMembers = from, Metrics = [.. metrics],
    };

    private IRenderedComponent<ScalingTimeline> RenderTimeline()
    {
        RenderProviders();
        var timeline = Render<ScalingTimeline>(p => p.Add(c => c.Name, Application));
        timeline.WaitForAssertion(() => Assert.Empty(timeline.FindAll("[data-testid=scaling-timeline] .mud-progress-circular")), Patience);
        return timeline;
    }

    private static List<IElement> Items(IRenderedComponent<ScalingTimeline> timeline) => [.. timeline.FindAll("[data-testid=scaling-decision]")];

    [Fact]
    public async Task Decisions_are_shown_newest_first_with_their_action_members_and_reason()
    {
        await Database.AddDecisionsAsync(
            Decision(1, ScalingAction.ScaleUp, 1, 3, "CPU is predicted at 197 % over 12 s: 3 members needed.", Cpu),
            Decision(3, ScalingAction.ScaleDown, 3, 2, "The load stays below 80 % of the thresholds with a member fewer.", Cpu),
            Decision(2, ScalingAction.Wait, 3, 2, "A member fewer is wanted (1 of 3 evaluations in a row).", Cpu),
            Decision(4, ScalingAction.AtMaximum, 2, 2, "4 members are needed; the maximum is 2.", Cpu),
            Decision(5, ScalingAction.None, 2, 2, "The load fits.", Cpu));

        var items = Items(RenderTimeline());

        Assert.Equal(["None", "AtMaximum", "ScaleDown", "Wait", "ScaleUp"], items.Select(i => i.GetAttribute("data-action")));
        Assert.Equal(["steady", "at maximum", "scale down", "waiting", "scale up"], items.Select(i => TextOf(i, "scaling-decision-action")));
        Assert.Equal(["2 → 2 members", "2 → 2 members", "3 → 2 members", "3 → 2 members", "1 → 3 members"],
            items.Select(i => TextOf(i, "scaling-decision-members")));
        Assert.Equal("2026-11-29 09:05:00", TextOf(items[0], "scaling-decision-time"));
        Assert.Equal("CPU is predicted at 197 % over 12 s: 3 members needed.", TextOf(items[4], "scaling-decision-reason"));
        Assert.Equal("policy web-cpu · predicted 12 s ahead · 1 active", TextOf(items[4], "scaling-decision-basis"));
        Assert.Contains("mud-chip-color-success", items[4].QuerySelector("[data-testid=scaling-decision-action]")!.ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-error", items[1].QuerySelector("[data-testid=scaling-decision-action]")!.ClassName, StringComparison.Ordinal);
        Assert.Empty(items[0].QuerySelectorAll("[data-testid=scaling-decision-metrics]")); // the figures show on demand
    }

    [Fact]
    public async Task A_decisions_figures_show_per_metric_when_expanded()
    {
        await Database.AddDecisionsAsync(Decision(1, ScalingAction.ScaleUp, 1, 3, "CPU is predicted at 197 %.", Cpu, Requests));
        var timeline = RenderTimeline();

        timeline.Find("[data-testid=scaling-decision-expand]").Click();

        var rows = timeline.FindAll("[data-testid=scaling-decision-metrics] [data-testid=scaling-metric]");
        Assert.Equal(["Cpu", "RequestsInFlight"], rows.Select(r => r.GetAttribute("data-metric")));
        Assert.Equal(["CPU (%)", "70", "12", "85.3", "91.3", "0.125", "-0.012", "196.7", "3"], rows[0].QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        Assert.Equal(["Requests in flight", "20", "0", "—", "—", "—", "—", "—", "—"], rows[1].QuerySelectorAll("td").Select(c => c.TextContent.Trim()));

        timeline.Find("[data-testid=scaling-decision-expand]").Click();

        Assert.Empty(timeline.FindAll("[data-testid=scaling-decision-metrics]"));
    }

    [Fact]
    public void Without_decisions_it_says_what_will_show()
    {
        var timeline = RenderTimeline();

        Assert.Empty(Items(timeline));
        Assert.Equal("No decisions yet: the autoscaler logs each change it makes or holds back.",
            timeline.Find("[data-testid=scaling-timeline-empty]").TextContent.Trim());
    }

    [Fact]
    public async Task Another_tenants_decisions_never_show_even_for_an_application_of_the_same_name()
    {
        await Database.AddDecisionsAsync(new ScalingDecision
        {
            TenantId = Database.OtherTenantId, ApplicationId = Database.OtherApplicationId, At = Start, Action = ScalingAction.ScaleUp,
            FromMembers = 1, ToMembers = 3, Reason = "Globex is busy.", Policy = "web-cpu", Metrics = [Cpu],
        });
        await Database.AddDecisionsAsync(Decision(1, ScalingAction.None, 1, 1, "The load fits.", Cpu));

        var timeline = RenderTimeline();

        Assert.Equal(["The load fits."], Items(timeline).Select(i => TextOf(i, "scaling-decision-reason")));
        Assert.DoesNotContain("Globex", timeline.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_newest_thirty_show_and_new_ones_appear_while_it_is_shown()
    {
        await Database.AddDecisionsAsync([.. Enumerable.Range(1, 32).Select(m => Decision(m, ScalingAction.None, 1, 1, $"Evaluation {m}."))]);
        var timeline = RenderTimeline();
        Assert.Equal(30, Items(timeline).Count);
        Assert.Equal("Evaluation 32.", TextOf(Items(timeline)[0], "scaling-decision-reason"));
        Assert.Equal("Evaluation 3.", TextOf(Items(timeline)[^1], "scaling-decision-reason"));

        await Database.AddDecisionsAsync(Decision(40, ScalingAction.ScaleUp, 1, 2, "Requests are climbing.", Requests));

        timeline.WaitForAssertion(() => Assert.Equal("Requests are climbing.", TextOf(Items(timeline)[0], "scaling-decision-reason")), Patience);
        Assert.Equal(30, Items(timeline).Count);
    }
}
