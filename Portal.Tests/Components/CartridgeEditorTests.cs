using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Admin;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Cartridges;

namespace Portal.Tests.Components;

/// <summary>
/// The admin console's cartridge form on the real catalogue and a real database: the catalogue's rules land under
/// their fields and nothing is stored; a good cartridge is stored as given and the form empties; an edit, confirmed,
/// changes it and starts a new revision of the applications running it.
/// </summary>
public sealed class CartridgeEditorTests : AutoscalingComponentContext
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddScoped<CartridgeCatalogue>();
    }

    private IRenderedComponent<CartridgeEditor> RenderForm(Action? saved = null, Cartridge? editing = null)
    {
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        return Render<CartridgeEditor>(p => p.Add(c => c.OnSaved, () => saved?.Invoke()).Add(c => c.Cartridge, editing));
    }

    private static void Field(IRenderedComponent<CartridgeEditor> form, string label, string value) =>
        form.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .QuerySelector("input, textarea")!.Change(value);

    private static string ErrorOf(IRenderedComponent<CartridgeEditor> form, string label) =>
        form.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    private async Task<Cartridge?> StoredAsync(string name)
    {
        await using var db = Database.Open(Database.TenantId);
        return await db.Cartridges.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name);
    }

    [Fact]
    public async Task Bad_input_is_refused_under_each_field_and_nothing_is_stored()
    {
        var form = RenderForm();
        Type(form, "cartridge-name", "static-web");
        Field(form, "Display name", "Static web");
        Type(form, "cartridge-image", "NOT A VALID IMAGE");
        Field(form, "CPU (cores)", "64");
        Field(form, "Environment", "SHOP_CURRENCY=EUR\n1BAD=x");

        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.StartsWith("This is not a Docker image reference", ErrorOf(form, "Image"), StringComparison.Ordinal), Patience);
        Assert.StartsWith("The CPU limit must be between", ErrorOf(form, "CPU (cores)"), StringComparison.Ordinal);
        Assert.Equal("'1BAD' is not a variable name (letters, digits and _, not starting with a digit).", ErrorOf(form, "Environment"));
        Assert.Equal("", ErrorOf(form, "Name"));
        Assert.Null(await StoredAsync("static-web"));
        Assert.Equal("64", form.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "CPU (cores)")
            .QuerySelector("input")!.GetAttribute("value")); // not clamped: the admin sees what was refused
    }

    [Fact]
    public async Task A_good_cartridge_is_stored_as_given_and_a_taken_name_is_refused_under_the_name()
    {
        var registered = 0;
        var form = RenderForm(() => registered++);
        Type(form, "cartridge-name", "static-web");
        Field(form, "Display name", "Static web");
        Type(form, "cartridge-image", "nginx:1.25");
        Field(form, "Container port", "80");
        Field(form, "Environment", "SHOP_CURRENCY=EUR");

        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Equal(1, registered), Patience);
        var stored = await StoredAsync("static-web");
        Assert.NotNull(stored);
        Assert.Equal(("Static web", "nginx:1.25", 80), (stored.DisplayName, stored.Image, stored.ContainerPort));
        Assert.Equal("EUR", stored.Environment["SHOP_CURRENCY"]);
        Assert.Contains(Snackbars, s => s.Contains("Cartridge static-web registered", StringComparison.Ordinal));
        Assert.Equal("", form.Find("input[data-testid=cartridge-name]").GetAttribute("value") ?? "");

        Type(form, "cartridge-name", "php");
        Field(form, "Display name", "Another PHP");
        Type(form, "cartridge-image", "php:8.3");
        form.Find("form").Submit();

        form.WaitForAssertion(() => Assert.Contains("php", ErrorOf(form, "Name"), StringComparison.Ordinal), Patience);
        Assert.Equal(1, registered);
        Assert.Equal("PHP 8.2", (await StoredAsync("php"))!.DisplayName);
    }

    [Fact]
    public async Task An_edit_asks_first_changes_the_cartridge_and_starts_a_new_revision_of_its_applications()
    {
        var cartridge = Cartridge.From(new CartridgeDefinition
        {
            Name = "static-web", DisplayName = "Static web", Version = "1", Image = "nginx:1.25", ContainerPort = 80,
            Environment = new Dictionary<string, string> { ["SHOP_CURRENCY"] = "EUR" },
        }, builtIn: false, DateTimeOffset.UtcNow);
        int revision;
        await using (var db = Database.Open(Database.TenantId))
        {
            db.Cartridges.Add(cartridge);
            await db.SaveChangesAsync();
            await db.Applications.Where(a => a.Name == AutoscalingDatabase.Application).ExecuteUpdateAsync(set => set.SetProperty(a => a.CartridgeId, cartridge.Id));
            revision = (await db.Applications.SingleAsync(a => a.Name == AutoscalingDatabase.Application)).Revision;
        }

        var saved = 0;
        var form = RenderForm(() => saved++, cartridge);
        Assert.True(IsDisabled(form.Find("input[data-testid=cartridge-name]")));
        Assert.Equal("nginx:1.25", form.Find("input[data-testid=cartridge-image]").GetAttribute("value"));
        Type(form, "cartridge-image", "nginx:1.27");
        Field(form, "Environment", "SHOP_CURRENCY=USD");

        form.Find("form").Submit();
        Assert.Contains("the members of the applications running it are replaced", MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");
        Assert.Equal("nginx:1.25", (await StoredAsync("static-web"))!.Image);

        form.Find("form").Submit();
        Answer("Save");

        form.WaitForAssertion(() => Assert.Equal(1, saved), Patience);
        var stored = (await StoredAsync("static-web"))!;
        Assert.Equal(("nginx:1.27", "USD"), (stored.Image, stored.Environment["SHOP_CURRENCY"]));
        Assert.Contains(Snackbars, s => s.Contains("acme/web are being replaced", StringComparison.Ordinal));
        await using (var db = Database.Open(Database.TenantId))
        {
            Assert.Equal(revision + 1, (await db.Applications.SingleAsync(a => a.Name == AutoscalingDatabase.Application)).Revision);
        }
    }
}
