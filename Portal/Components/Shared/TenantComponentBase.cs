using Microsoft.AspNetCore.Components;
using Portal.Tenancy;

namespace Portal.Components.Shared;

/// <summary>
/// A component that reads or changes the portal's data through <typeparamref name="TService"/>. Each such
/// component owns a DI scope, and so its own DbContext: components of one page load side by side without
/// sharing a context. The scope acts as the circuit's signed-in user, so tenant filters apply as usual.
/// </summary>
public abstract class TenantComponentBase<TService> : OwningComponentBase<TService>
    where TService : notnull
{
    private readonly CancellationTokenSource aborted = new();

    [Inject] private CurrentUser CircuitUser { get; set; } = default!;

    /// <summary>
    /// Cancelled when the component goes away (the user navigated on or left): pass it to every service call, so
    /// work for a page nobody looks at stops, and Blazor drops the cancelled task quietly.
    /// </summary>
    protected CancellationToken Aborted { get; }

    protected TenantComponentBase() => Aborted = aborted.Token;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        ScopedServices.GetRequiredService<CurrentUser>().Follow(CircuitUser);
        return base.SetParametersAsync(parameters);
    }

    /// <summary>
    /// The renderer disposes components asynchronously (this path; <see cref="Dispose(bool)"/> then gets false), so
    /// <see cref="Aborted"/> is cancelled here, before the scope and its DbContext go.
    /// </summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        await aborted.CancelAsync();
        await base.DisposeAsyncCore();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            aborted.Cancel();
            aborted.Dispose();
        }

        base.Dispose(disposing);
    }
}
