using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Tenancy;

/// <summary>
/// The people of the caller's tenant: its users and its invitations. Every query is scoped to the caller's
/// tenant, so an id from another tenant is simply not found. Authorization (who may change the team) is the
/// caller's job: the API and the pages require the tenant admin role for changes.
/// </summary>
public sealed class TeamService(
    PortalDbContext db,
    UserManager<PortalUser> users,
    ITenantContext tenantContext,
    TimeProvider clock)
{
    private Guid TenantId => tenantContext.TenantId
        ?? throw new InvalidOperationException("The team is only known to a signed-in user of a tenant.");

    public async Task<Tenant> GetTenantAsync(CancellationToken cancellationToken) =>
        await db.Tenants.SingleAsync(t => t.Id == TenantId, cancellationToken);

    public async Task<IReadOnlyList<TeamMember>> ListMembersAsync(CancellationToken cancellationToken)
    {
        var tenantId = TenantId;
        return await QueryMembers(db.Users.Where(u => u.TenantId == tenantId), cancellationToken);
    }

    public async Task<TeamMember?> FindMemberAsync(string id, CancellationToken cancellationToken)
    {
        var tenantId = TenantId;
        var found = await QueryMembers(db.Users.Where(u => u.TenantId == tenantId && u.Id == id), cancellationToken);
        return found.SingleOrDefault();
    }

    private async Task<IReadOnlyList<TeamMember>> QueryMembers(IQueryable<PortalUser> query, CancellationToken cancellationToken)
    {
        var rows = await query
            .OrderBy(u => u.Email)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.CreatedAt,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TeamMember(r.Id, r.Email ?? "", [.. r.Roles.Order(StringComparer.Ordinal)], r.CreatedAt))];
    }

    /// <summary>Adds a user with a password the admin chose and hands over.</summary>
    public async Task<Result<TeamMember>> AddMemberAsync(string email, string password, string role, CancellationToken cancellationToken)
    {
        if (!PortalRoles.IsAssignable(role))
        {
            return Failure.Validation("role", $"The role must be one of: {string.Join(", ", PortalRoles.Assignable)}.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return Failure.Conflict("email", $"An account for '{email}' exists already.");
        }

        var user = await CreateUserAsync(TenantId, email, password, role, cancellationToken);
        return user.Succeeded ? (await FindMemberAsync(user.Value!.Id, cancellationToken))! : user.Failure!;
    }

    /// <summary>Removes a user of the tenant. Nobody removes themselves, and a tenant keeps at least one admin.</summary>
    public async Task<Result<bool>> RemoveMemberAsync(string id, string callerId, CancellationToken cancellationToken)
    {
        var member = await FindMemberAsync(id, cancellationToken);
        if (member is null)
        {
            return Failure.NotFound("No such user in your tenant.");
        }

        if (id == callerId)
        {
            return Failure.Validation("id", "You cannot remove yourself.");
        }

        if (member.Roles.Contains(PortalRoles.PlatformAdmin))
        {
            return Failure.Validation("id", "Platform admins are managed in the portal's configuration, not in a team.");
        }

        if (member.IsAdmin && (await ListMembersAsync(cancellationToken)).Count(m => m.IsAdmin) == 1)
        {
            return Failure.Validation("id", "A tenant needs at least one admin.");
        }

        var user = await users.FindByIdAsync(id);
        var result = await users.DeleteAsync(user!);
        return result.Succeeded ? true : result.ToFailure();
    }

    public async Task<Result<IssuedInvitation>> InviteAsync(string email, string role, string invitedBy, CancellationToken cancellationToken)
    {
        if (!PortalRoles.IsAssignable(role))
        {
            return Failure.Validation("role", $"The role must be one of: {string.Join(", ", PortalRoles.Assignable)}.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return Failure.Conflict("email", $"An account for '{email}' exists already.");
        }

        var now = clock.GetUtcNow();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var invitation = new Invitation
        {
            TenantId = TenantId,
            Email = email,
            Role = role,
            TokenHash = Hash(token),
            InvitedBy = invitedBy,
            CreatedAt = now,
            ExpiresAt = now + Invitation.Lifetime,
        };
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedInvitation(invitation, token);
    }

    public async Task<IReadOnlyList<Invitation>> ListInvitationsAsync(CancellationToken cancellationToken) =>
        await db.Invitations.AsNoTracking().OrderByDescending(i => i.CreatedAt).ToListAsync(cancellationToken);

    public async Task<Invitation?> FindInvitationAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);

    public async Task<Result<Invitation>> RevokeInvitationAsync(Guid id, CancellationToken cancellationToken)
    {
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invitation is null)
        {
            return Failure.NotFound("No such invitation in your tenant.");
        }

        var now = clock.GetUtcNow();
        if (invitation.StatusAt(now) is var status and not InvitationStatus.Pending)
        {
            return Failure.Conflict("id", $"The invitation is {status.ToString().ToLowerInvariant()}.");
        }

        invitation.Revoke(now);
        await db.SaveChangesAsync(cancellationToken);
        return invitation;
    }

    /// <summary>Looks up a pending invitation by its token, for the (anonymous) invitee.</summary>
    public async Task<Invitation?> FindPendingByTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var invitation = await db.Invitations.IgnoreQueryFilters([PortalDbContext.TenantFilter]).AsNoTracking()
            .SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        return invitation?.StatusAt(clock.GetUtcNow()) == InvitationStatus.Pending ? invitation : null;
    }

    /// <summary>The invitee sets a password: the account is created in the inviting tenant with the invited role.</summary>
    public async Task<Result<PortalUser>> AcceptInvitationAsync(string token, string password, CancellationToken cancellationToken)
    {
        if (tenantContext.TenantId is not null)
        {
            return Failure.Conflict("token", "You are signed in to a tenant already. Sign out, then open the invitation link again.");
        }

        var hash = Hash(token);
        var invitation = await db.Invitations.IgnoreQueryFilters([PortalDbContext.TenantFilter])
            .SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        if (invitation is null || invitation.StatusAt(clock.GetUtcNow()) != InvitationStatus.Pending)
        {
            return Failure.NotFound("This invitation link is not valid any more. Ask your tenant admin for a new one.");
        }

        if (await users.FindByEmailAsync(invitation.Email) is not null)
        {
            return Failure.Conflict("email", $"An account for '{invitation.Email}' exists already.");
        }

        invitation.Accept(clock.GetUtcNow());
        using var acting = db.ActingAs(invitation.Email); // the audit log: accepting is the invitee's doing
        return await CreateUserAsync(invitation.TenantId, invitation.Email, password, invitation.Role, cancellationToken);
    }

    /// <summary>Creates a user of <paramref name="tenantId"/> with a role, and saves any pending changes with it, atomically.</summary>
    private async Task<Result<PortalUser>> CreateUserAsync(
        Guid tenantId, string email, string password, string role, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new PortalUser
        {
            UserName = email, Email = email, EmailConfirmed = true, TenantId = tenantId, CreatedAt = clock.GetUtcNow(),
        };
        var result = await users.CreateWithRoleAsync(user, password, role);
        if (!result.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return result.ToFailure();
        }

        await transaction.CommitAsync(cancellationToken);
        return user;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
