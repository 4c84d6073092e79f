using AngleSharp.Dom;
using Bunit;
using Portal.Components.Pages.Applications;
using Portal.Core.Applications;
using Portal.Core.Releases;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>An application's event timeline and up time on the real service and a real database: newest first, filtered by area, only the tenant's own.</summary>
public sealed class EventTimelineTests : AutoscalingComponentContext
{
    private const string Events = "events";
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    /// <summary>A member of <paramref name="application"/> created <paramref name="created"/> minutes ago, then moved through <paramref name="steps"/> (minutes ago).</summary>
    private static Member MemberOf(Guid tenant, Guid application, Guid partition, DateTimeOffset now, int created, params (MemberState State, int Ago)[] steps)
    {
        var member = new Member { TenantId = tenant, ApplicationId = application, PartitionId = partition, CreatedAt = now.AddMinutes(-created) };
        foreach (var (state, ago) in steps)
        {
            member.MoveTo(state, now.AddMinutes(-ago), state == MemberState.Faulted ? "It did not pass its health check within 60 s." : null);
        }

        return member;
    }

    /// <summary>The application <see cref="Events"/>, created 40 minutes ago.</summary>
    private async Task<Guid> ApplicationCreated40MinutesAgoAsync()
    {
        var web = await Database.ApplicationAsync(AutoscalingDatabase.Application);
        await using var db = Database.Open(Database.TenantId);
        var application = new Portal.Core.Applications.Application
        {
            Name = Events, CartridgeId = web.CartridgeId, DeploymentPolicyId = web.DeploymentPolicyId, MinMembers = 1, MaxMembers = 2,
            DesiredMembers = 1, CreatedAt = now.AddMinutes(-40),
        };
        db.Applications.Add(application);
        await db.SaveChangesAsync();
        return application.Id;
    }

    private IRenderedComponent<EventTimeline> RenderTimeline(string name)
    {
        RenderProviders();
        var timeline = Render<EventTimeline>(p => p.Add(c => c.Name, name));
        timeline.WaitForAssertion(() => Assert.Empty(timeline.FindAll("[data-testid=event-timeline] .mud-progress-circular")), Patience);
        return timeline;
    }

    private static List<IElement> Rows(IRenderedComponent<EventTimeline> timeline) => [.. timeline.FindAll("[data-testid=event]")];

    [Fact]
    public async Task Events_show_newest_first_with_their_kind_member_and_detail_and_the_up_time()
    {
        var id = await ApplicationCreated40MinutesAgoAsync();
        var partition = await Database.AddPartitionAsync();
        var first = MemberOf(Database.TenantId, id, partition, now, 40,
            (MemberState.Starting, 40), (MemberState.Active, 39), (MemberState.Faulted, 20), (MemberState.Terminated, 19));
        var second = MemberOf(Database.TenantId, id, partition, now, 15, (MemberState.Starting, 15), (MemberState.Active, 10));
        var release = new Release { TenantId = Database.TenantId, ApplicationId = id, Number = 1, TriggeredBy = Email, CreatedAt = now.AddMinutes(-30) };
        await Database.AddHistoryAsync(Database.TenantId, [first, second], release);

        var timeline = RenderTimeline(Events);

        var rows = Rows(timeline);
        Assert.Equal(["MemberActive", "MemberCreated", "MemberTerminated", "MemberFaulted", "ReleaseQueued", "MemberActive", "MemberCreated"],
            rows.Select(r => r.GetAttribute("data-kind")));
        Assert.Equal(["Member active", "Member created", "Member terminated", "Member faulted", "Release asked for", "Member active", "Member created"],
            rows.Select(r => TextOf(r, "event-kind")));
        Assert.Equal([Member.ShortId(second.Id), Member.ShortId(second.Id), Member.ShortId(first.Id), Member.ShortId(first.Id), "",
            Member.ShortId(first.Id), Member.ShortId(first.Id)], rows.Select(r => TextOf(r, "event-member")));
        Assert.Equal($"Member {Member.ShortId(first.Id)} faulted: It did not pass its health check within 60 s.", TextOf(rows[3], "event-detail"));
        Assert.Equal(MembersTable.Time(now.AddMinutes(-20)), TextOf(rows[3], "event-time"));
        Assert.Contains("mud-chip-color-error", rows[3].QuerySelector("[data-testid=event-kind]")!.ClassName, StringComparison.Ordinal);

        // Up 1–20 and 30–40 minutes into the 40: 29 of 40 minutes (72.5 %), down 11. The render comes a moment after
        // the members were made, and that moment counts as up too: the share can only be a little higher.
        Assert.Equal("11 min", timeline.Find("[data-testid=availability-down]").TextContent.Trim());
        var up = timeline.Find("[data-testid=availability-up]").TextContent.Trim();
        Assert.EndsWith(" %", up, StringComparison.Ordinal);
        Assert.InRange(double.Parse(up[..^2], System.Globalization.CultureInfo.InvariantCulture), 72.5, 74.0);
    }

    [Fact]
    public async Task The_area_chosen_narrows_the_timeline()
    {
        var id = await ApplicationCreated40MinutesAgoAsync();
        var partition = await Database.AddPartitionAsync();
        var member = MemberOf(Database.TenantId, id, partition, now, 5, (MemberState.Starting, 5), (MemberState.Active, 4));
        var release = new Release { TenantId = Database.TenantId, ApplicationId = id, Number = 1, TriggeredBy = Email, CreatedAt = now.AddMinutes(-3) };
        await Database.AddHistoryAsync(Database.TenantId, [member], release);
        var timeline = RenderTimeline(Events);
        Assert.Equal(3, Rows(timeline).Count);

        await timeline.InvokeAsync(() => timeline.FindComponent<MudBlazor.MudSelect<EventLabels.Area>>().Instance.ValueChanged.InvokeAsync(EventLabels.Area.Releases));

        timeline.WaitForAssertion(() => Assert.Equal(["ReleaseQueued"], Rows(timeline).Select(r => r.GetAttribute("data-kind"))), Patience);
    }

    [Fact]
    public async Task Another_tenants_application_of_the_same_name_shows_nothing_of_its_own()
    {
        var partition = await Database.AddPartitionAsync();
        var others = MemberOf(Database.OtherTenantId, Database.OtherApplicationId, partition, now, 5, (MemberState.Starting, 5), (MemberState.Active, 4));
        await Database.AddHistoryAsync(Database.OtherTenantId, [others]);

        var timeline = RenderTimeline(AutoscalingDatabase.Application);

        Assert.Empty(Rows(timeline));
        Assert.Equal(EventLabels.NoEvents, timeline.Find("[data-testid=event-timeline-empty]").TextContent.Trim());
    }
}
