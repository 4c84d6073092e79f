using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Pages.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Core.Routing;
using Portal.Infrastructure.Applications;

namespace Portal.Tests.Components;

/// <summary>The "new application" form: what it shows per cartridge, and its inline validation, rendered with bUnit.</summary>
public sealed class CreateApplicationFormTests : BunitContext
{
    private static readonly IReadOnlyList<Cartridge> Catalogue =
    [
        Cartridge.From(BuiltInCartridges.Php, builtIn: true, DateTimeOffset.UnixEpoch),
        Cartridge.From(BuiltInCartridges.MySql, builtIn: true, DateTimeOffset.UnixEpoch),
    ];

    private readonly List<CreateApplication> submitted = [];
    private Failure? answer;

    public CreateApplicationFormTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private IRenderedComponent<CreateApplicationForm> RenderForm(params string[] dataApplications)
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        return Render<CreateApplicationForm>(p => p
            .Add(f => f.Cartridges, Catalogue)
            .Add(f => f.DataApplications, dataApplications)
            .Add(f => f.Create, request =>
            {
                submitted.Add(request);
                return Task.FromResult(answer);
            }));
    }

    private static async Task PickAsync(IRenderedComponent<CreateApplicationForm> form, string label, string value)
    {
        var select = form.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);
        await form.InvokeAsync(() => select.Instance.SelectOption(value));
    }

    private static void SetMembers(IRenderedComponent<CreateApplicationForm> form, int min, int max)
    {
        form.Find("input[data-testid=application-min]").Change(min.ToString(System.Globalization.CultureInfo.InvariantCulture));
        form.Find("input[data-testid=application-max]").Change(max.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static List<string> Messages(IRenderedComponent<CreateApplicationForm> form) =>
        [.. form.FindAll(".mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0)];

    private static string ErrorUnder(IRenderedComponent<CreateApplicationForm> form, string testId) =>
        form.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task A_framework_cartridge_asks_for_members_and_a_link_to_the_tenants_databases()
    {
        var form = RenderForm("db", "orders");

        await PickAsync(form, "Cartridge", "php");

        Assert.NotNull(form.Find("[data-testid=application-min]"));
        Assert.NotNull(form.Find("[data-testid=application-max]"));
        Assert.NotNull(form.Find("[data-testid=application-link]"));
        Assert.Empty(form.FindAll("[data-testid=data-application-note]"));
        var linkSelect = form.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Link to a database");
        Assert.Equal(["", "db", "orders"], linkSelect.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value));
    }

    [Fact]
    public async Task A_data_cartridge_hides_members_and_link_and_says_it_has_one_member_and_its_own_volume()
    {
        var form = RenderForm("db");
        await PickAsync(form, "Cartridge", "php");
        SetMembers(form, 2, 3);

        await PickAsync(form, "Cartridge", "mysql");

        Assert.Empty(form.FindAll("[data-testid=application-min]"));
        Assert.Empty(form.FindAll("[data-testid=application-max]"));
        Assert.Empty(form.FindAll("[data-testid=application-link]"));
        Assert.Contains("one member and its own volume", form.Find("[data-testid=data-application-note]").TextContent, StringComparison.Ordinal);

        form.Find("input[data-testid=application-name]").Change("db2");
        form.Find("form").Submit();

        var request = Assert.Single(submitted);
        Assert.Equal(("db2", "mysql", 1, 1), (request.Name, request.Cartridge, request.MinMembers, request.MaxMembers));
        Assert.Empty(request.Links!);
        Assert.Null(request.Schema);
    }

    [Fact]
    public async Task A_data_application_may_be_given_a_schema_which_a_framework_one_is_not_asked_for()
    {
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "php");
        Assert.Empty(form.FindAll("[data-testid=application-schema]"));

        await PickAsync(form, "Cartridge", "mysql");
        form.Find("input[data-testid=application-name]").Change("catalog");
        form.Find("textarea[data-testid=application-schema]").Change(new string('x', 64 * 1024 + 1));
        form.Find("form").Submit();

        Assert.StartsWith("A schema is at most 64 KiB of SQL", ErrorUnder(form, "application-schema"), StringComparison.Ordinal);
        Assert.Empty(submitted);

        const string Schema = "CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(80));\nINSERT INTO products VALUES (1, 'Tea');";
        form.Find("textarea[data-testid=application-schema]").Change(Schema);
        form.Find("form").Submit();

        Assert.Equal(("catalog", "mysql", Schema), (Assert.Single(submitted).Name, submitted[0].Cartridge, submitted[0].Schema));
    }

    [Fact]
    public void An_empty_form_names_what_is_missing_and_does_not_submit()
    {
        var form = RenderForm();

        form.Find("form").Submit();

        Assert.Equal("Name the application.", ErrorUnder(form, "application-name"));
        Assert.Equal("Pick a cartridge.", ErrorUnder(form, "application-cartridge"));
        Assert.Empty(submitted);
    }

    [Theory]
    [InlineData("Shop")]
    [InlineData("my shop")]
    [InlineData("x")]
    [InlineData("9lives")]
    public async Task A_bad_name_shows_the_rule_under_the_name(string name)
    {
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "php");
        form.Find("input[data-testid=application-name]").Change(name);

        form.Find("form").Submit();

        Assert.StartsWith("Use 2 to 40 lowercase letters", ErrorUnder(form, "application-name"), StringComparison.Ordinal);
        Assert.Empty(submitted);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_a_message_goes_when_its_field_is_edited()
    {
        var form = RenderForm();
        form.Find("input[data-testid=application-name]").Change("My Shop");

        form.Find("form").Submit();

        Assert.StartsWith("Use 2 to 40 lowercase letters", ErrorUnder(form, "application-name"), StringComparison.Ordinal);
        Assert.Equal("Pick a cartridge.", ErrorUnder(form, "application-cartridge"));

        form.Find("input[data-testid=application-name]").Change("my-shop");

        Assert.Equal("", ErrorUnder(form, "application-name"));
        Assert.Equal("Pick a cartridge.", ErrorUnder(form, "application-cartridge"));
        Assert.Empty(submitted);
    }

    [Fact]
    public async Task Max_members_below_min_is_reported_under_max()
    {
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "php");
        form.Find("input[data-testid=application-name]").Change("shop");
        SetMembers(form, 3, 2);

        form.Find("form").Submit();

        Assert.Equal("Max members must be between min members and 20.", ErrorUnder(form, "application-max"));
        Assert.Empty(submitted);
    }

    [Fact]
    public async Task A_valid_framework_application_is_submitted_with_its_link()
    {
        var form = RenderForm("db");
        await PickAsync(form, "Cartridge", "php");
        form.Find("input[data-testid=application-name]").Change("shop");
        SetMembers(form, 2, 3);
        await PickAsync(form, "Link to a database", "db");

        form.Find("form").Submit();

        var request = Assert.Single(submitted);
        Assert.Equal(("shop", "php", 2, 3), (request.Name, request.Cartridge, request.MinMembers, request.MaxMembers));
        Assert.Equal(["db"], request.Links!);
        Assert.Empty(Messages(form));
        Assert.Equal("", form.Find("input[data-testid=application-name]").GetAttribute("value") ?? ""); // emptied for the next one
    }

    [Fact]
    public async Task Errors_from_the_server_show_under_their_fields_and_clear_when_the_field_changes()
    {
        answer = new Failure(FailureKind.Validation, "The application is not valid.", new Dictionary<string, string[]>
        {
            ["name"] = ["You have an application named 'shop' already."],
            ["links"] = ["'db' is not a data application of your tenant."],
        });
        var form = RenderForm("db");
        await PickAsync(form, "Cartridge", "php");
        form.Find("input[data-testid=application-name]").Change("shop");

        form.Find("form").Submit();

        Assert.Single(submitted);
        Assert.Equal("You have an application named 'shop' already.", ErrorUnder(form, "application-name"));
        Assert.Equal("'db' is not a data application of your tenant.", ErrorUnder(form, "application-link"));
        Assert.Empty(form.FindAll("[data-testid=new-application-error]"));

        form.Find("input[data-testid=application-name]").Change("shop-2");

        Assert.Equal("", ErrorUnder(form, "application-name"));
    }

    [Fact]
    public async Task A_server_error_without_a_field_on_the_form_is_shown_above_the_button()
    {
        answer = Failure.Validation("deploymentPolicy", "There is no deployment policy named 'default'.");
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "mysql");
        form.Find("input[data-testid=application-name]").Change("db");

        form.Find("form").Submit();

        Assert.Equal("There is no deployment policy named 'default'.", form.Find("[data-testid=new-application-error]").TextContent.Trim());
    }

    [Fact]
    public async Task A_framework_application_is_created_round_robin_without_sticky_sessions_by_default()
    {
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "php");
        form.Find("input[data-testid=application-name]").Change("shop");

        form.Find("form").Submit();

        var request = Assert.Single(submitted);
        Assert.Equal((LoadBalancingAlgorithm.RoundRobin, false), (request.LoadBalancing, request.StickySessions));
    }

    [Fact]
    public async Task A_framework_application_is_created_with_the_chosen_load_balancing_and_sticky_sessions()
    {
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "php");
        form.Find("input[data-testid=application-name]").Change("shop");
        var loadBalancing = form.FindComponents<MudSelect<LoadBalancingAlgorithm>>().Single(s => s.Instance.Label == "Load balancing");
        await form.InvokeAsync(() => loadBalancing.Instance.SelectOption(LoadBalancingAlgorithm.LeastRequests));
        form.Find("input[data-testid=routing-sticky]").Change(true);

        form.Find("form").Submit();

        var request = Assert.Single(submitted);
        Assert.Equal((LoadBalancingAlgorithm.LeastRequests, true), (request.LoadBalancing, request.StickySessions));
    }

    [Fact]
    public async Task A_data_cartridge_does_not_ask_how_the_router_serves_it()
    {
        var form = RenderForm();
        await PickAsync(form, "Cartridge", "php");
        var loadBalancing = form.FindComponents<MudSelect<LoadBalancingAlgorithm>>().Single(s => s.Instance.Label == "Load balancing");
        await form.InvokeAsync(() => loadBalancing.Instance.SelectOption(LoadBalancingAlgorithm.LeastRequests));

        await PickAsync(form, "Cartridge", "mysql");

        Assert.Empty(form.FindAll("[data-testid=routing-load-balancing]"));
        Assert.Empty(form.FindAll("[data-testid=routing-sticky]"));
        form.Find("input[data-testid=application-name]").Change("db");
        form.Find("form").Submit();

        var request = Assert.Single(submitted);
        Assert.Equal((null, null), (request.LoadBalancing, request.StickySessions));
    }
}
