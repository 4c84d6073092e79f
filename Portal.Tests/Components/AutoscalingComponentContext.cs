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
}
