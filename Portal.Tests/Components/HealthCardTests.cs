using Bunit;
using Portal.Components.Pages.Applications;
using Portal.Core.Applications;
using Portal.Core.Monitoring;

namespace Portal.Tests.Components;

/// <summary>
/// The application page's Health card on the real service and a real database: the application's figures and charts,
/// one member's when chosen, new samples without a reload, and nothing of another tenant's application of the same name.
/// </summary>
public sealed class HealthCardTests : AutoscalingComponentContext
{
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;
    private readonly Guid first = Guid.CreateVersion7(), second = Guid.CreateVersion7();

    private MetricSample Sample(Guid? member, int secondsAgo, double? cpu, double memory, double inFlight, double rate) => new()
    {
        TenantId = Database.TenantId, ApplicationId = Database.ApplicationId, MemberId = member, At = now.AddSeconds(-secondsAgo),
        CpuPercent = cpu, MemoryPercent = memory, RequestsInFlight = inFlight, RequestsPerSecond = rate,
    };

    private async Task AddAsync(Guid tenant, params MetricSample[] samples)
    {
        await using var db = Database.Open(tenant);
        db.MetricSamples.AddRange(samples);
        await db.SaveChangesAsync();
    }

    private IReadOnlyList<MemberView> Members() =>
        [.. new[] { first, second }.Select(id => new MemberView(id, MemberState.Active, "local", now.AddMinutes(-5), now.AddMinutes(-5), now.AddMinutes(-4), null, null))];

    private IRenderedComponent<HealthCard> RenderCard()
    {
        RenderProviders();
        var card = Render<HealthCard>(p => p.Add(c => c.Name, AutoscalingDatabase.Application).Add(c => c.Members, Members()));
        card.WaitForAssertion(() => Assert.Empty(card.FindAll("[data-testid=health-card] .mud-progress-circular")), Patience);
        return card;
    }

    private static string Figure(IRenderedComponent<HealthCard> card, string testId) => card.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public async Task The_applications_newest_figures_and_its_charts_show_and_a_chosen_member_shows_its_own()
    {
        await AddAsync(Database.TenantId,
            Sample(null, 20, 10, 30, 1, 4), Sample(null, 10, 35.25, 31, 3, 12.5),
            Sample(first, 20, 12, 28, 1, 2), Sample(first, 10, 60, 29, 2, 8),
            Sample(second, 10, null, 33, 1, 4.5)); // its first reading: no CPU yet

        var card = RenderCard();

        Assert.Equal(("35.3 %", "31 %", "3", "12.5"), (Figure(card, "health-cpu"), Figure(card, "health-memory"), Figure(card, "health-in-flight"), Figure(card, "health-rate")));
        foreach (var (chart, series) in new[] { ("health-chart-resources", new[] { "CPU %", "Memory %" }), ("health-chart-requests", new[] { "In flight", "Per second" }) })
        {
            var element = card.Find($"[data-testid={chart}]");
            Assert.Equal("2", element.GetAttribute("data-points"));
            Assert.NotNull(element.QuerySelector("svg"));
            Assert.All(series, name => Assert.Contains(name, element.TextContent, StringComparison.Ordinal));
        }

        await card.InvokeAsync(() => card.FindComponent<MudBlazor.MudSelect<string>>().Instance.ValueChanged.InvokeAsync(second.ToString()));
        card.WaitForAssertion(() => Assert.Equal(("—", "33 %", "4.5"), (Figure(card, "health-cpu"), Figure(card, "health-memory"), Figure(card, "health-rate"))), Patience);
        Assert.Equal("1", card.Find("[data-testid=health-chart-resources]").GetAttribute("data-points"));
    }

    [Fact]
    public async Task New_samples_show_without_a_reload()
    {
        await AddAsync(Database.TenantId, Sample(null, 10, 5, 20, 0, 0));
        var card = RenderCard();
        Assert.Equal("5 %", Figure(card, "health-cpu"));

        await AddAsync(Database.TenantId, Sample(null, 0, 80, 21, 6, 30));

        card.WaitForAssertion(() => Assert.Equal(("80 %", "6", "30"), (Figure(card, "health-cpu"), Figure(card, "health-in-flight"), Figure(card, "health-rate"))), Patience);
        Assert.Equal("2", card.Find("[data-testid=health-chart-requests]").GetAttribute("data-points"));
    }

    [Fact]
    public async Task A_long_period_shows_averages_over_even_steps_and_the_newest_figures()
    {
        // Over 24 hours a step is 6 minutes: three samples in the step of 2 h 2 min ago (aligned to it) make one point.
        var step = Portal.Infrastructure.Monitoring.ApplicationHealth.Step(TimeSpan.FromHours(24));
        Assert.Equal(TimeSpan.FromMinutes(6), step);
        var start = Portal.Core.Monitoring.MetricRetention.SpanStart(now.AddHours(-2), step);
        MetricSample At(DateTimeOffset at, double cpu) => new()
        {
            TenantId = Database.TenantId, ApplicationId = Database.ApplicationId, At = at, CpuPercent = cpu, MemoryPercent = 20,
        };
        await AddAsync(Database.TenantId, At(start, 10), At(start.AddMinutes(1), 20), At(start.AddMinutes(2), 60), At(now.AddSeconds(-5), 42));
        var card = RenderCard();
        Assert.Equal("1", card.Find("[data-testid=health-chart-resources]").GetAttribute("data-points")); // the last 15 minutes

        await card.InvokeAsync(() => card.FindComponent<MudBlazor.MudSelect<TimeSpan>>().Instance.ValueChanged.InvokeAsync(TimeSpan.FromHours(24)));

        card.WaitForAssertion(() => Assert.Equal("2", card.Find("[data-testid=health-chart-resources]").GetAttribute("data-points")), Patience);
        Assert.Equal("42 %", Figure(card, "health-cpu"));
        await card.InvokeAsync(() => card.FindComponent<MudBlazor.MudSelect<TimeSpan>>().Instance.ValueChanged.InvokeAsync(TimeSpan.FromMinutes(15)));
        card.WaitForAssertion(() => Assert.Equal("1", card.Find("[data-testid=health-chart-resources]").GetAttribute("data-points")), Patience);
    }

    [Fact]
    public async Task Another_tenants_application_of_the_same_name_shows_nothing_of_its_own()
    {
        await AddAsync(Database.OtherTenantId, new MetricSample
        {
            TenantId = Database.OtherTenantId, ApplicationId = Database.OtherApplicationId, At = now, CpuPercent = 99, MemoryPercent = 99,
        });

        var card = RenderCard();

        Assert.Equal(HealthCharts.NoSamples, Figure(card, "health-empty"));
        Assert.Empty(card.FindAll("[data-testid=health-now]"));
    }
}
