using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;

namespace Portal.Tenancy;

/// <summary>
/// The signed-in user of the current scope. In an HTTP request (pages rendered on the server, the API) it is the
/// request's user; in an interactive circuit, where there is no request, the circuit handler below sets it.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor httpContextAccessor) : ITenantContext
{
    private Func<ClaimsPrincipal>? principalSource;

    public ClaimsPrincipal Principal => principalSource?.Invoke() ?? httpContextAccessor.HttpContext?.User ?? new ClaimsPrincipal();

    public Guid? TenantId =>
        Guid.TryParse(Principal.FindFirstValue(PortalClaimTypes.TenantId), out var id) ? id : null;

    public string? Tenant => Principal.FindFirstValue(PortalClaimTypes.Tenant);

    public string? UserId => Principal.FindFirstValue(ClaimTypes.NameIdentifier);

    public string? Email => Principal.FindFirstValue(ClaimTypes.Email) ?? Principal.Identity?.Name;

    /// <summary>The signed-in person, for the audit log.</summary>
    public string? Actor => Principal.Identity?.IsAuthenticated == true ? Email ?? UserId : null;

    internal void UseCircuitPrincipal(ClaimsPrincipal principal) => principalSource = () => principal;

    /// <summary>A hub's call: the user is the connection's (its request is not the current one).</summary>
    internal void UseConnectionPrincipal(ClaimsPrincipal principal) => principalSource = () => principal;

    /// <summary>Acts as whoever <paramref name="owner"/> is, now and later (a component's own scope follows its circuit).</summary>
    internal void Follow(CurrentUser owner)
    {
        if (!ReferenceEquals(owner, this))
        {
            principalSource = () => owner.Principal;
        }
    }
}

/// <summary>Keeps <see cref="CurrentUser"/> in step with the circuit's authentication state.</summary>
internal sealed class CurrentUserCircuitHandler(AuthenticationStateProvider authenticationStateProvider, CurrentUser currentUser)
    : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authenticationStateProvider.AuthenticationStateChanged += OnAuthenticationChanged;
        var state = await authenticationStateProvider.GetAuthenticationStateAsync();
        currentUser.UseCircuitPrincipal(state.User);
    }

    private void OnAuthenticationChanged(Task<AuthenticationState> task) =>
        _ = UpdateAsync(task);

    private async Task UpdateAsync(Task<AuthenticationState> task)
    {
        try
        {
            currentUser.UseCircuitPrincipal((await task).User);
        }
        catch (Exception)
        {
            // No authentication state is no signed-in user.
            currentUser.UseCircuitPrincipal(new ClaimsPrincipal());
        }
    }

    public void Dispose() => authenticationStateProvider.AuthenticationStateChanged -= OnAuthenticationChanged;
}
