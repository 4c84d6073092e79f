using Bunit;
using MudBlazor;
using Portal.Components.Pages.Applications;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>
/// Linking an existing application to a database from its page, on the real services and a real database: the dialog
/// offers the tenant's data applications, says what happens to the members, and the page shows the link once saved.
/// A data application's page shows its schema instead and offers no link.
/// </summary>
public sealed class ApplicationDetailsLinkTests : AutoscalingComponentContext
{
    [Fact]
    public async Task An_application_is_linked_to_a_database_from_its_page_after_being_told_what_happens_to_its_members()
    {
        var page = RenderApplicationPage(Application);
        Assert.Equal("—", TextOf(page, "application-linked-to"));

        page.Find("[data-testid=application-link-change]").Click();
        var dialog = Dialogs.WaitForElement("[data-testid=link-dialog]", Patience);
        Assert.True(IsDisabled(Dialogs.Find("[data-testid=link-save]")), "nothing chosen yet");
        var select = Dialogs.FindComponent<LinkDatabaseDialog>().FindComponent<MudSelect<string>>();
        Assert.Equal(["", DataApplication], select.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value));
        await select.InvokeAsync(() => select.Instance.SelectOption(DataApplication));

        Dialogs.WaitForAssertion(() => Assert.Contains(
            $"{Application}'s members are replaced by new ones started with {DataApplication}'s DB_HOST",
            Dialogs.Find("[data-testid=link-consequence]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("Link", Dialogs.Find("[data-testid=link-save]").TextContent.Trim());
        Dialogs.Find("[data-testid=link-save]").Click();

        page.WaitForAssertion(() => Assert.Equal(DataApplication, TextOf(page, "application-linked-to")), Patience);
        Assert.Empty(Dialogs.FindAll("[data-testid=link-dialog]"));
        Assert.Contains($"{Application} is linked to {DataApplication}: its members are being replaced by ones with the database's variables.", Snackbars);
        var saved = await Database.ApplicationAsync(Application);
        Assert.Equal((await Database.ApplicationAsync(DataApplication)).Id, saved.LinkedApplicationId);
        Assert.Equal(1, saved.Revision);
        Assert.Equal("Change", page.Find("[data-testid=application-link-change]").TextContent.Trim());
    }

    [Fact]
    public void A_data_application_shows_its_schema_and_offers_no_link()
    {
        var page = RenderApplicationPage(DataApplication);

        Assert.Equal("none", TextOf(page, "application-schema"));
        Assert.Empty(page.FindAll("[data-testid=application-link-change]"));
    }
}
