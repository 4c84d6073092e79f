using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Portal.Tests.Components;

/// <summary>
/// A bUnit context for components that use the real services on a fresh database (the subclass makes it in
/// <see cref="InitializeAsync"/> and removes it in <see cref="Cleanup"/>): MudBlazor's providers, and helpers to fill
/// in forms, read them and answer confirmations.
/// </summary>
public abstract class ServicesComponentContext : BunitContext, IAsyncLifetime
{
    /// <summary>Long enough for a query or two, a fetch of a small local repository and a refresh.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private IRenderedComponent<MudDialogProvider>? dialogs;

    protected ServicesComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>The confirmations the components ask for (MudBlazor's message boxes).</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs => dialogs ?? throw new InvalidOperationException("Render the providers first.");

    /// <summary>The snackbar messages shown so far.</summary>
    protected IEnumerable<string> Snackbars => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "");

    public abstract ValueTask InitializeAsync();

    /// <summary>Renders interactively, as in a circuit, with the popover and dialog providers.</summary>
    protected void RenderProviders()
    {
        if (dialogs is not null)
        {
            return;
        }

        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
    }

    /// <summary>Waits for the open message box and returns its text.</summary>
    protected string MessageBoxText()
    {
        Dialogs.WaitForElement(".mud-dialog", Patience);
        return Dialogs.Find(".mud-dialog").TextContent;
    }

    /// <summary>Clicks <paramref name="button"/> in the open message box.</summary>
    protected void Answer(string button)
    {
        Dialogs.WaitForAssertion(() => Assert.Contains(Dialogs.FindAll(".mud-dialog button"), b => b.TextContent.Trim() == button), Patience);
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == button).Click();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll(".mud-dialog")), Patience);
    }

    /// <summary>Types <paramref name="value"/> into the input marked <paramref name="testId"/> (empty clears it).</summary>
    protected static void Type<TComponent>(IRenderedComponent<TComponent> component, string testId, string value)
        where TComponent : IComponent =>
        component.Find($"input[data-testid={testId}]").Change(value);

    /// <summary>The validation message under the field marked <paramref name="testId"/>; empty when there is none.</summary>
    protected static string ErrorUnder<TComponent>(IRenderedComponent<TComponent> component, string testId)
        where TComponent : IComponent =>
        component.Find($"[data-testid={testId}]").Closest(".mud-input-control")!
            .QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    /// <summary>The text of the element marked <paramref name="testId"/>, trimmed.</summary>
    protected static string TextOf<TComponent>(IRenderedComponent<TComponent> component, string testId)
        where TComponent : IComponent =>
        component.Find($"[data-testid={testId}]").TextContent.Trim();

    /// <summary>The text of the element marked <paramref name="testId"/> inside <paramref name="element"/>, trimmed; empty when there is none.</summary>
    protected static string TextOf(IElement element, string testId) =>
        element.QuerySelector($"[data-testid={testId}]")?.TextContent.Trim() ?? "";

    protected static bool IsDisabled(IElement element) => element.HasAttribute("disabled");

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        Cleanup();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Cleanup();
        }
    }

    /// <summary>Deletes what the test made, once the components and their services are gone.</summary>
    protected abstract void Cleanup();
}
