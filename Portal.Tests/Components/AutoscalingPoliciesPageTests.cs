using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Pages.Admin;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>
/// The admin console's autoscaling policies on the real service and a real database: the list, the form's inline
/// errors (the rules' and the service's), creating a policy, and deleting one (confirmed; refused while in use).
/// </summary>
public sealed class AutoscalingPoliciesPageTests : AutoscalingComponentContext
{
    private IRenderedComponent<AutoscalingPolicies> RenderPage()
    {
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var page = Render<AutoscalingPolicies>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=autoscaling-policies] .mud-table-loading")), Patience);
        return page;
    }

    private static List<string> Names(IRenderedComponent<AutoscalingPolicies> page) =>
        [.. page.FindAll("[data-testid=autoscaling-policy-name]").Select(c => c.GetAttribute("data-policy") ?? "")];

    private static IElement RowOf(IRenderedComponent<AutoscalingPolicies> page, string policy) =>
        page.Find($"[data-testid=autoscaling-policy-name][data-policy={policy}]").Closest("tr")!;

    private static void Submit(IRenderedComponent<AutoscalingPolicies> page) => page.Find("[data-testid=autoscaling-policy-form]").Submit();

    [Fact]
    public async Task Every_policy_is_listed_by_name_with_its_thresholds_and_times()
    {
        await Database.AddPolicyAsync("web-cpu");
        await Database.AddPolicyAsync("api-requests", p =>
        {
            (p.CpuPercent, p.MemoryPercent, p.RequestsInFlight) = (null, 80, 20);
            (p.EvaluationInterval, p.Window, p.Horizon) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(6.5));
            (p.ScaleUpCooldown, p.ScaleDownCooldown, p.ScaleDownAfter, p.Prediction) = (TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2), 1, false);
        });

        var page = RenderPage();

        Assert.Equal(["api-requests", "web-cpu"], Names(page));
        var api = RowOf(page, "api-requests");
        Assert.Equal("memory 80 % · requests 20", TextOf(api, "autoscaling-policy-thresholds"));
        Assert.Equal(("2 s", "1 min 30 s", "6.5 s"),
            (TextOf(api, "autoscaling-policy-interval"), TextOf(api, "autoscaling-policy-window"), TextOf(api, "autoscaling-policy-horizon")));
        Assert.Equal("10 s / 2 min", TextOf(api, "autoscaling-policy-cooldowns"));
        Assert.Equal(("1 evaluation", "off"), (TextOf(api, "autoscaling-policy-scale-down-after"), TextOf(api, "autoscaling-policy-prediction")));
        var web = RowOf(page, "web-cpu");
        Assert.Equal("CPU 70 %", TextOf(web, "autoscaling-policy-thresholds"));
        Assert.Equal(("5 s", "1 min", "measured start-up time"),
            (TextOf(web, "autoscaling-policy-interval"), TextOf(web, "autoscaling-policy-window"), TextOf(web, "autoscaling-policy-horizon")));
        Assert.Equal(("15 s / 1 min", "3 evaluations", "on"),
            (TextOf(web, "autoscaling-policy-cooldowns"), TextOf(web, "autoscaling-policy-scale-down-after"), TextOf(web, "autoscaling-policy-prediction")));
    }

    [Fact]
    public void Without_policies_it_says_applications_are_scaled_by_hand()
    {
        var page = RenderPage();

        Assert.Contains("scaled by hand", page.Find("[data-testid=autoscaling-policies-none]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_policy_shows_each_rule_under_its_field_and_nothing_is_saved()
    {
        var page = RenderPage();
        Type(page, "autoscaling-name", "Web CPU");
        Type(page, "autoscaling-cpu", "0");
        Type(page, "autoscaling-interval", "10");
        Type(page, "autoscaling-window", "15");
        Type(page, "autoscaling-horizon", "601");
        Type(page, "autoscaling-scale-down-after", "0");

        Submit(page);

        Assert.StartsWith("Use 2 to 40 lowercase letters", ErrorUnder(page, "autoscaling-name"), StringComparison.Ordinal);
        Assert.Equal("CPU is a percent of a member's limit: 1 to 100.", ErrorUnder(page, "autoscaling-cpu"));
        Assert.Equal("The window spans at least two evaluation intervals and at most 3600 seconds.", ErrorUnder(page, "autoscaling-window"));
        Assert.StartsWith("Predict 0 to 600 seconds ahead", ErrorUnder(page, "autoscaling-horizon"), StringComparison.Ordinal);
        Assert.Equal("Scale down after 1 to 100 evaluations in a row.", ErrorUnder(page, "autoscaling-scale-down-after"));
        Assert.Equal("", ErrorUnder(page, "autoscaling-interval"));
        Assert.Equal("", ErrorUnder(page, "autoscaling-memory"));
        Assert.Empty(await Database.PoliciesAsync());
        Assert.Empty(Snackbars);

        Type(page, "autoscaling-cpu", "60"); // a message goes when its field is edited and the form is checked again

        Submit(page);
        Assert.Equal("", ErrorUnder(page, "autoscaling-cpu"));
        Assert.NotEqual("", ErrorUnder(page, "autoscaling-window"));
    }

    [Fact]
    public void A_policy_watching_nothing_is_refused_under_the_cpu_threshold()
    {
        var page = RenderPage();
        Type(page, "autoscaling-name", "idle");
        Type(page, "autoscaling-cpu", "");

        Submit(page);

        Assert.Equal("Set at least one threshold: CPU %, memory % or requests in flight.", ErrorUnder(page, "autoscaling-cpu"));
    }

    [Fact]
    public async Task A_good_policy_is_created_listed_and_stored_and_the_form_empties()
    {
        var page = RenderPage();
        Type(page, "autoscaling-name", "web-cpu");
        Type(page, "autoscaling-cpu", "60");
        Type(page, "autoscaling-requests", "25");
        Type(page, "autoscaling-interval", "2");
        Type(page, "autoscaling-window", "20");
        Type(page, "autoscaling-scale-up-cooldown", "10");
        Type(page, "autoscaling-scale-down-cooldown", "90");
        Type(page, "autoscaling-scale-down-after", "4");
        page.Find("input[data-testid=autoscaling-prediction]").Change(false);

        Submit(page);

        page.WaitForAssertion(() => Assert.Equal(["web-cpu"], Names(page)), Patience);
        Assert.Equal("CPU 60 % · requests 25", TextOf(RowOf(page, "web-cpu"), "autoscaling-policy-thresholds"));
        Assert.Contains(Snackbars, s => s.Contains("web-cpu was added", StringComparison.Ordinal));
        var stored = Assert.Single(await Database.PoliciesAsync());
        Assert.Equal(("web-cpu", 60, (int?)null, 25), (stored.Name, stored.CpuPercent, stored.MemoryPercent, stored.RequestsInFlight));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20), (TimeSpan?)null), (stored.EvaluationInterval, stored.Window, stored.Horizon));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(90), 4, false),
            (stored.ScaleUpCooldown, stored.ScaleDownCooldown, stored.ScaleDownAfter, stored.Prediction));
        Assert.Equal("", page.Find("input[data-testid=autoscaling-name]").GetAttribute("value") ?? "");
        Assert.False(page.Find("[data-testid=autoscaling-policy-add]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_taken_name_is_refused_by_the_service_under_the_name()
    {
        await Database.AddPolicyAsync("web-cpu");
        var page = RenderPage();
        Type(page, "autoscaling-name", "web-cpu");

        Submit(page);

        page.WaitForAssertion(() => Assert.Equal("An autoscaling policy named 'web-cpu' exists already.", ErrorUnder(page, "autoscaling-name")), Patience);
        Assert.Single(await Database.PoliciesAsync());
        Assert.Empty(page.FindAll("[data-testid=autoscaling-policy-error]"));

        Type(page, "autoscaling-name", "web-cpu-2");

        Assert.Equal("", ErrorUnder(page, "autoscaling-name"));
    }

    [Fact]
    public async Task A_policy_is_edited_with_its_values_filled_in_checked_by_the_same_rules_and_saved_under_its_name()
    {
        await Database.AddPolicyAsync("web-cpu");
        var page = RenderPage();

        RowOf(page, "web-cpu").QuerySelector("[data-testid=autoscaling-policy-edit]")!.Click();
        page.WaitForAssertion(() => Assert.Contains("Edit autoscaling policy web-cpu", page.Find("[data-testid=autoscaling-policy-editor]").TextContent, StringComparison.Ordinal), Patience);
        Assert.True(IsDisabled(page.Find("input[data-testid=autoscaling-name]")));
        Assert.Equal(("70", "60"), (page.Find("input[data-testid=autoscaling-cpu]").GetAttribute("value"), page.Find("input[data-testid=autoscaling-window]").GetAttribute("value")));

        Type(page, "autoscaling-cpu", "55");
        Type(page, "autoscaling-window", "3");
        Submit(page);
        Assert.Equal("The window spans at least two evaluation intervals and at most 3600 seconds.", ErrorUnder(page, "autoscaling-window"));
        Assert.Equal(70, Assert.Single(await Database.PoliciesAsync()).CpuPercent);

        Type(page, "autoscaling-window", "120");
        Type(page, "autoscaling-memory", "80");
        Submit(page);

        page.WaitForAssertion(() => Assert.Equal("CPU 55 % · memory 80 %", TextOf(RowOf(page, "web-cpu"), "autoscaling-policy-thresholds")), Patience);
        Assert.Equal("2 min", TextOf(RowOf(page, "web-cpu"), "autoscaling-policy-window"));
        Assert.Contains(Snackbars, s => s.Contains("web-cpu was saved", StringComparison.Ordinal));
        Assert.Contains("New autoscaling policy", page.Find("[data-testid=autoscaling-policy-editor]").TextContent, StringComparison.Ordinal);
        var stored = Assert.Single(await Database.PoliciesAsync());
        Assert.Equal(("web-cpu", 55, (int?)80, TimeSpan.FromMinutes(2)), (stored.Name, stored.CpuPercent, stored.MemoryPercent, stored.Window));
    }

    [Fact]
    public async Task Deleting_asks_first_and_only_a_yes_deletes()
    {
        await Database.AddPolicyAsync("web-cpu");
        await Database.AddPolicyAsync("spare");
        var page = RenderPage();

        RowOf(page, "spare").QuerySelector("[data-testid=autoscaling-policy-delete]")!.Click();
        Assert.Contains("Delete spare?", MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");

        Assert.Equal(["spare", "web-cpu"], Names(page));
        Assert.Equal(2, (await Database.PoliciesAsync()).Count);

        RowOf(page, "spare").QuerySelector("[data-testid=autoscaling-policy-delete]")!.Click();
        MessageBoxText();
        Answer("Delete");

        page.WaitForAssertion(() => Assert.Equal(["web-cpu"], Names(page)), Patience);
        Assert.Equal(["web-cpu"], (await Database.PoliciesAsync()).Select(p => p.Name));
        Assert.Contains(Snackbars, s => s.Contains("spare was deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_policy_in_use_is_refused_with_the_applications_of_every_tenant_named()
    {
        var policy = await Database.AddPolicyAsync("web-cpu");
        await Database.UsePolicyAsync(Database.TenantId, Application, policy, 1, 4);
        await Database.UsePolicyAsync(Database.OtherTenantId, Application, policy, 2, 3);
        var page = RenderPage();

        RowOf(page, "web-cpu").QuerySelector("[data-testid=autoscaling-policy-delete]")!.Click();
        Answer("Delete");

        page.WaitForAssertion(() => Assert.Contains("scales 2 application(s): acme/web, globex/web",
            page.Find("[data-testid=autoscaling-policies-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(["web-cpu"], Names(page));
        Assert.Single(await Database.PoliciesAsync());
        await using var db = Database.Open(Database.TenantId);
        Assert.Equal(policy.Id, (await db.Applications.SingleAsync(a => a.Name == Application)).AutoscalingPolicyId);
    }
}
