using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Core.Git;
using Portal.Infrastructure;
using Portal.Infrastructure.Git;

namespace Portal.Tests.Components;

/// <summary>
/// A bUnit context for the repository and releases cards: the real services on a fresh database
/// (<see cref="ReleasesDatabase"/>), MudBlazor's providers, and helpers to fill in forms and answer confirmations.
/// </summary>
public abstract class ReleasesComponentContext : BunitContext, IAsyncLifetime
{
    /// <summary>Long enough for a fetch of a small local repository and a refresh or two.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private ReleasesDatabase? database;
    private IRenderedComponent<MudDialogProvider>? dialogs;

    protected ReleasesComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    internal ReleasesDatabase Database => database ?? throw new InvalidOperationException("The database is made in InitializeAsync.");

    /// <summary>The confirmations the components ask for (MudBlazor's message boxes).</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs => dialogs ?? throw new InvalidOperationException("Render the providers first.");

    /// <summary>The snackbar messages shown so far.</summary>
    protected IEnumerable<string> Snackbars => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "");

    public async ValueTask InitializeAsync()
    {
        database = await ReleasesDatabase.CreateAsync();
        database.Register(Services, await GitSourceAsync());
    }

    /// <summary>The git source the service fetches with; by default one nothing is fetched from.</summary>
    protected virtual Task<IGitSource> GitSourceAsync() => Task.FromResult<IGitSource>(new GitRepositories(
        Options.Create(new GitOptions()), Options.Create(new PortalOptions { DataDirectory = Database.DataDirectory }),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<GitRepositories>.Instance));

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

    /// <summary>The validation message under the field marked <paramref name="testId"/>; empty when there is none.</summary>
    protected static string ErrorUnder<TComponent>(IRenderedComponent<TComponent> component, string testId)
        where TComponent : IComponent =>
        component.Find($"[data-testid={testId}]").Closest(".mud-input-control")!
            .QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    /// <summary>The text of the element marked <paramref name="testId"/>, trimmed.</summary>
    protected static string TextOf<TComponent>(IRenderedComponent<TComponent> component, string testId)
        where TComponent : IComponent =>
        component.Find($"[data-testid={testId}]").TextContent.Trim();

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
    protected virtual void Cleanup() => database?.Dispose();
}
