namespace Portal.Infrastructure.Routing;

/// <summary>Tells the router that members or applications changed, so it rebuilds its routes now instead of later.</summary>
public sealed class TopologySignal : IDisposable
{
    private readonly SemaphoreSlim changed = new(0, 1);

    public void Changed()
    {
        try
        {
            changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A change is pending already.
        }
    }

    /// <summary>Waits for a change, or <paramref name="timeout"/> (a refresh now and then catches anything unsignalled).</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => changed.WaitAsync(timeout, cancellationToken);

    public void Dispose() => changed.Dispose();
}
