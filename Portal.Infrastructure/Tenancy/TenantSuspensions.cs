using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Routing;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Routing;

namespace Portal.Infrastructure.Tenancy;

/// <summary>
/// Platform admins suspend and resume tenants. A suspended tenant's users cannot sign in (<see cref="PortalSignInManager"/>),
/// their sign-ins are revoked at once (security stamps: tokens answer 401, pages sign out within a minute), and its
/// applications answer a page saying so instead of serving (the router, within a second). Its members keep running,
/// so resuming serves again at once.
/// </summary>
public sealed class TenantSuspensions(PortalDbContext db, UserManager<PortalUser> users, TopologySignal topology, TimeProvider clock)
{
    public async Task<Result<TenantSummary>> SuspendAsync(string slug, string? reason, CancellationToken cancellationToken)
    {
        if (reason?.Trim().Length > Tenant.MaxReasonLength)
        {
            return Failure.Validation("reason", $"A reason is at most {Tenant.MaxReasonLength} characters.");
        }

        if (await FindAsync(slug, cancellationToken) is not { } tenant)
        {
            return Failure.NotFound($"There is no tenant '{slug}'.");
        }

        tenant.Suspend(reason, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        foreach (var user in await db.Users.Where(u => u.TenantId == tenant.Id).ToListAsync(cancellationToken))
        {
            await users.UpdateSecurityStampAsync(user); // every sign-in of theirs ends
        }

        topology.Changed();
        return await SummaryAsync(tenant, cancellationToken);
    }

    public async Task<Result<TenantSummary>> ResumeAsync(string slug, CancellationToken cancellationToken)
    {
        if (await FindAsync(slug, cancellationToken) is not { } tenant)
        {
            return Failure.NotFound($"There is no tenant '{slug}'.");
        }

        tenant.Resume();
        await db.SaveChangesAsync(cancellationToken);
        topology.Changed();
        return await SummaryAsync(tenant, cancellationToken);
    }

    /// <summary>Why the tenant of the user with <paramref name="email"/> is suspended; null when it is not, or there is no such user.</summary>
    public async Task<string?> ReasonForAsync(string email, CancellationToken cancellationToken) =>
        await users.FindByEmailAsync(email) is { } user ? await ReasonForAsync(db, user, cancellationToken) : null;

    /// <summary>Why the user's tenant is suspended; null when it is not (or the user has none).</summary>
    public static async Task<string?> ReasonForAsync(PortalDbContext db, PortalUser user, CancellationToken cancellationToken) =>
        await db.Tenants.Where(t => t.Id == user.TenantId && t.SuspendedAt != null).Select(t => t.SuspendedReason).FirstOrDefaultAsync(cancellationToken);

    private Task<Tenant?> FindAsync(string slug, CancellationToken cancellationToken)
    {
        var normalized = slug.Trim().ToLowerInvariant();
        return db.Tenants.SingleOrDefaultAsync(t => t.Slug == normalized, cancellationToken);
    }

    private async Task<TenantSummary> SummaryAsync(Tenant tenant, CancellationToken cancellationToken) =>
        new(tenant.Slug, tenant.DisplayName, await db.Users.CountAsync(u => u.TenantId == tenant.Id, cancellationToken), tenant.CreatedAt,
            tenant.Quota, tenant.SuspendedAt, tenant.SuspendedReason);
}
