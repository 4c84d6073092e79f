using Bunit;
using Portal.Components.Pages.Applications;

namespace Portal.Tests.Components;

/// <summary>
/// A bUnit context for the autoscaling components: the real services on a fresh database (<see cref="AutoscalingDatabase"/>),
/// MudBlazor's providers, and helpers to read fields and answer confirmations.
/// </summary>
public abstract class AutoscalingComponentContext : ServicesComponentContext
{
    private AutoscalingDatabase? database;

    internal AutoscalingDatabase Database => database ?? throw new InvalidOperationException("The database is made in InitializeAsync.");

    public override async ValueTask InitializeAsync()
    {
        database = await AutoscalingDatabase.CreateAsync();
        database.Register(Services);
    }

    protected override void Cleanup() => database?.Dispose();

    /// <summary>The page of application <paramref name="name"/> as the tenant's user sees it, once it shows the application.</summary>
    protected IRenderedComponent<ApplicationDetailsPage> RenderApplicationPage(string name)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(AutoscalingDatabase.Email);
        RenderProviders();
        var page = Render<ApplicationDetailsPage>(p => p.Add(c => c.Name, name));
        page.WaitForElement("[data-testid=application-title]", Patience);
        return page;
    }
}
