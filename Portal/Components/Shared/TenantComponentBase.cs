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
    [Inject] private CurrentUser CircuitUser { get; set; } = default!;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        ScopedServices.GetRequiredService<CurrentUser>().Follow(CircuitUser);
        return base.SetParametersAsync(parameters);
    }
}
