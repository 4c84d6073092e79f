using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Tenancy;

/// <summary>Self-service sign-up: a new tenant and its first user, who becomes the tenant's admin.</summary>
public sealed class TenantOnboarding(PortalDbContext db, UserManager<PortalUser> users, TimeProvider clock)
{
    public async Task<Result<RegisteredTenant>> RegisterAsync(
        string email, string password, string tenant, CancellationToken cancellationToken)
    {
        if (!TenantSlug.TryValidate(tenant, out var slugError))
        {
            return Failure.Validation("tenant", slugError);
        }

        if (await db.Tenants.AnyAsync(t => t.Slug == tenant, cancellationToken))
        {
            return Failure.Conflict("tenant", $"The tenant name '{tenant}' is taken.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return Failure.Conflict("email", $"An account for '{email}' exists already. Sign in instead.");
        }

        using var acting = db.ActingAs(email); // the audit log: the tenant and the account are the new user's doing
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var created = new Tenant { Slug = tenant, DisplayName = tenant, CreatedAt = now };
        db.Tenants.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another sign-up took the slug between the check and the insert.
            return Failure.Conflict("tenant", $"The tenant name '{tenant}' is taken.");
        }

        var user = new PortalUser { UserName = email, Email = email, TenantId = created.Id, CreatedAt = now };
        var result = await users.CreateWithRoleAsync(user, password, PortalRoles.TenantAdmin);

        if (!result.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return result.ToFailure();
        }

        await transaction.CommitAsync(cancellationToken);
        return new RegisteredTenant(created.Id, created.Slug, user.Id, email);
    }
}
