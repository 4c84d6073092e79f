using Bunit;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Pages.Applications;
using Portal.Core.Applications;

namespace Portal.Tests.Components;

/// <summary>The chips that show an application's status and a member's state.</summary>
public sealed class ApplicationChipsTests : BunitContext
{
    public ApplicationChipsTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Theory]
    [InlineData(MemberState.Created, "default")]
    [InlineData(MemberState.Starting, "info")]
    [InlineData(MemberState.Active, "success")]
    [InlineData(MemberState.Draining, "warning")]
    [InlineData(MemberState.Faulted, "error")]
    [InlineData(MemberState.Terminated, "default")]
    public void A_member_state_has_its_colour(MemberState state, string color)
    {
        var chip = Render<MemberStateChip>(p => p.Add(c => c.State, state)).Find("[data-testid=member-state]");

        Assert.Equal(state.ToString(), chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{color}", chip.ClassList);
    }

    [Theory]
    [InlineData(ApplicationStatus.Starting, "starting", "info")]
    [InlineData(ApplicationStatus.Running, "running", "success")]
    [InlineData(ApplicationStatus.Degraded, "degraded", "warning")]
    [InlineData(ApplicationStatus.Failing, "failing", "error")]
    public void An_application_status_has_its_label_and_colour(ApplicationStatus status, string label, string color)
    {
        var chip = Render<ApplicationStatusChip>(p => p.Add(c => c.Status, status)).Find("[data-testid=application-status]");

        Assert.Equal(label, chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{color}", chip.ClassList);
    }

    [Fact]
    public void The_members_table_shows_a_short_id_and_keeps_the_full_one()
    {
        var id = Guid.CreateVersion7();
        var member = new MemberView(id, MemberState.Active, "local", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch.AddSeconds(3), null, null);

        var table = Render<MembersTable>(p => p.Add(t => t.Members, [member]));

        var cell = table.Find("[data-testid=member-id]");
        Assert.Equal(id.ToString("N")[^8..], cell.TextContent);
        Assert.Equal(id.ToString(), cell.GetAttribute("data-member-id"));
        Assert.Contains("1970-01-01 00:00:03", table.Markup, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-success", table.Find("[data-testid=member-state]").ClassList);
    }
}
