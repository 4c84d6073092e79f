using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Tenancy;

/// <summary>A person who can sign in, as the platform admin sees them.</summary>
public sealed record UserSummary(string Id, string Email, string Tenant, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, bool Disabled);

/// <summary>
/// Every tenant's users, for platform admins (its endpoints and page require that role): find them, disable one
/// (their sign-ins end at once and they cannot sign in again) and enable them again. Disabling is Identity's
/// lockout with no end, so every sign-in path already refuses it.
/// </summary>
public sealed class UserDirectory(PortalDbContext db, UserManager<PortalUser> users)
{
    public const int MaxListed = 500;

    /// <summary>What a disabled user is told when they try to sign in.</summary>
    public const string DisabledMessage = "A platform admin has disabled your account. Ask them to enable it again.";

    public async Task<IReadOnlyList<UserSummary>?> ListAsync(string? tenant, string? search, CancellationToken cancellationToken)
    {
        var query = from u in db.Users.AsNoTracking()
                    join t in db.Tenants on u.TenantId equals t.Id
                    select new { User = u, Tenant = t.Slug };
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            var slug = tenant.Trim().ToLowerInvariant();
            if (!await db.Tenants.AnyAsync(t => t.Slug == slug, cancellationToken))
            {
                return null;
            }

            query = query.Where(r => r.Tenant == slug);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var normalized = search.Trim().ToUpperInvariant();
            query = query.Where(r => r.User.NormalizedEmail!.Contains(normalized));
        }

        var rows = await query.OrderBy(r => r.Tenant).ThenBy(r => r.User.NormalizedEmail).Take(MaxListed).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.User.Id).ToList();
        var roles = (await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            where ids.Contains(ur.UserId)
                            select new { ur.UserId, r.Name }).ToListAsync(cancellationToken))
            .ToLookup(r => r.UserId, r => r.Name!);
        return [.. rows.Select(r => new UserSummary(r.User.Id, r.User.Email ?? r.User.UserName ?? "", r.Tenant,
            [.. roles[r.User.Id].Order(StringComparer.Ordinal)], r.User.CreatedAt, IsDisabled(r.User)))];
    }

    /// <summary>Disables a user: their sign-ins end now and they cannot sign in until enabled. Nobody disables themselves.</summary>
    public async Task<Result<UserSummary>> DisableAsync(string id, string? callerId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Failure.NotFound($"There is no user '{id}'.");
        }

        if (user.Id == callerId)
        {
            return Failure.Conflict("id", "You cannot disable yourself: ask another platform admin.");
        }

        if (!(await users.SetLockoutEnabledAsync(user, true)).Succeeded
            || !(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue)).Succeeded
            || !(await users.UpdateSecurityStampAsync(user)).Succeeded) // every sign-in of theirs ends
        {
            return Failure.Conflict("id", $"{user.Email} was changed meanwhile; try again.");
        }

        await AuditAsync(user, disabled: true, cancellationToken);
        return await SummaryAsync(user, cancellationToken);
    }

    public async Task<Result<UserSummary>> EnableAsync(string id, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Failure.NotFound($"There is no user '{id}'.");
        }

        if (!(await users.SetLockoutEndDateAsync(user, null)).Succeeded || !(await users.ResetAccessFailedCountAsync(user)).Succeeded)
        {
            return Failure.Conflict("id", $"{user.Email} was changed meanwhile; try again.");
        }

        await AuditAsync(user, disabled: false, cancellationToken);
        return await SummaryAsync(user, cancellationToken);
    }

    /// <summary>
    /// Whether the user with <paramref name="email"/> was disabled by a platform admin (not merely locked out for a
    /// while). Told only to whoever knows their password: nobody else learns that the account exists.
    /// </summary>
    public async Task<bool> IsDisabledAsync(string email, string password) =>
        await users.FindByEmailAsync(email) is { } user && IsDisabled(user) && await users.CheckPasswordAsync(user, password);

    private static bool IsDisabled(PortalUser user) => user.LockoutEnd is { } end && end.Year >= 9999;

    /// <summary>The audit log leaves Identity's lockout bookkeeping out: a platform admin's disabling is recorded here.</summary>
    private async Task AuditAsync(PortalUser user, bool disabled, CancellationToken cancellationToken)
    {
        db.Audit(AuditAction.Modified, "User", user.Id, user.Email ?? user.Id, user.TenantId, new { Disabled = !disabled }, new { Disabled = disabled });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<UserSummary> SummaryAsync(PortalUser user, CancellationToken cancellationToken)
    {
        var slug = await db.Tenants.Where(t => t.Id == user.TenantId).Select(t => t.Slug).SingleAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name!)
            .ToListAsync(cancellationToken);
        return new UserSummary(user.Id, user.Email ?? user.UserName ?? "", slug, [.. roles.Order(StringComparer.Ordinal)], user.CreatedAt, IsDisabled(user));
    }
}
