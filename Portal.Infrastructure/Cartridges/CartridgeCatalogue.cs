using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Auditing;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Cartridges;

/// <summary>A cartridge as changed, and the applications (<c>tenant/application</c>) whose members are replaced for it.</summary>
public sealed record CartridgeUpdate(Cartridge Cartridge, IReadOnlyList<string> Applications);

/// <summary>
/// The cartridges tenants can run. Everyone signed in reads it; registering is for platform admins (the
/// endpoint and the admin page require that role).
/// </summary>
public sealed class CartridgeCatalogue(PortalDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<Cartridge>> ListAsync(CancellationToken cancellationToken) =>
        await db.Cartridges.AsNoTracking().OrderBy(c => c.Category).ThenBy(c => c.Name).ToListAsync(cancellationToken);

    public async Task<Cartridge?> FindAsync(string name, CancellationToken cancellationToken) =>
        await db.Cartridges.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken);

    public async Task<Result<Cartridge>> RegisterAsync(CartridgeDefinition definition, CancellationToken cancellationToken)
    {
        var errors = CartridgeRules.Validate(definition);
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The cartridge is not valid.", errors);
        }

        if (await db.Cartridges.AnyAsync(c => c.Name == definition.Name, cancellationToken))
        {
            return Failure.Conflict("name", $"A cartridge named '{definition.Name}' exists already.");
        }

        var cartridge = Cartridge.From(definition with { BuildContext = null }, builtIn: false, clock.GetUtcNow());
        db.Cartridges.Add(cartridge);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Failure.Conflict("name", $"A cartridge named '{definition.Name}' exists already.");
        }

        return cartridge;
    }

    /// <summary>
    /// Changes a registered cartridge (its name stays; the built-in ones are the portal's). When what members run
    /// changes (image, port, health check, variables, limits), every framework application running it starts a new
    /// revision, so its members are replaced as in a rollout: new ones start next to them, and the old ones go once the
    /// new ones are Active. Its category and persistent path change only while no application runs it (they decide
    /// what its applications are and where their data lives). Applications with releases keep their release's image,
    /// built from the image before, until their next deploy.
    /// </summary>
    public async Task<Result<CartridgeUpdate>> UpdateAsync(string name, CartridgeDefinition definition, CancellationToken cancellationToken)
    {
        var cartridge = await db.Cartridges.SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (cartridge is null)
        {
            return Failure.NotFound($"There is no cartridge named '{name}'.");
        }

        if (cartridge.BuiltIn)
        {
            return Failure.Conflict("name", $"'{name}' is built in: the portal ships it as it is. Register a cartridge of your own from its image instead.");
        }

        if (definition.Name != name)
        {
            return Failure.Validation("name", "A cartridge's name does not change: register a new cartridge instead.");
        }

        var errors = CartridgeRules.Validate(definition with { BuildContext = null });
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The cartridge is not valid.", errors);
        }

        var changed = Cartridge.From(definition with { BuildContext = null }, builtIn: false, cartridge.CreatedAt);
        var users = await db.ApplicationsAcrossTenantsAsync(a => a.CartridgeId == cartridge.Id, cancellationToken);
        if (users.Count > 0 && (changed.Category != cartridge.Category || changed.PersistencePath != cartridge.PersistencePath))
        {
            return Failure.Conflict(changed.Category != cartridge.Category ? "category" : "persistencePath",
                $"'{name}' runs {users.Count} application(s): {ApplicationUsers.Listed(users)}. Its category and persistent path change once none does.");
        }

        var membersChange = cartridge.ChangeTo(changed);

        // One transaction: the cartridge and its applications' new revisions (every tenant's: admins only). A data
        // application is not rolled: a second member on its volume next to the first would fight it for the data; it
        // takes the change when its member is next replaced.
        List<string> replaced = [];
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            if (membersChange && cartridge.Category != CartridgeCategory.Data)
            {
                var rolled = await db.Applications.IgnoreQueryFilters().Where(a => a.CartridgeId == cartridge.Id)
                    .Select(a => new { a.Id, a.Name, a.TenantId, a.Revision }).ToListAsync(cancellationToken);
                await db.Applications.IgnoreQueryFilters().Where(a => a.CartridgeId == cartridge.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(a => a.Revision, a => a.Revision + 1), cancellationToken);
                foreach (var application in rolled)
                {
                    db.Audit(AuditAction.Modified, nameof(Application), application.Id.ToString(), application.Name, application.TenantId,
                        new { application.Revision }, new { Revision = application.Revision + 1 });
                }

                replaced = users;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Failure.Conflict("name", $"'{name}' was changed or deleted meanwhile; look again and retry.");
        }

        return new CartridgeUpdate(cartridge, replaced);
    }

    /// <summary>
    /// Deletes a registered cartridge no application runs and no cartridge group holds; one in use is refused with
    /// what uses it. The built-in ones stay (the portal ships them).
    /// </summary>
    public async Task<Result<string>> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var cartridge = await db.Cartridges.SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
        if (cartridge is null)
        {
            return Failure.NotFound($"There is no cartridge named '{name}'.");
        }

        if (cartridge.BuiltIn)
        {
            return Failure.Conflict("name", $"'{name}' is built in: the portal ships it and keeps it.");
        }

        // Every tenant's applications: only platform admins delete cartridges.
        var users = await db.ApplicationsAcrossTenantsAsync(a => a.CartridgeId == cartridge.Id, cancellationToken);
        if (users.Count > 0)
        {
            return Failure.Conflict("name", $"'{name}' runs {users.Count} application(s): {string.Join(", ", users.Take(20))}. Delete them first.");
        }

        var groups = (await db.CartridgeGroups.AsNoTracking().ToListAsync(cancellationToken))
            .Where(g => g.Cartridges.Contains(name)).Select(g => g.Name).Order(StringComparer.Ordinal).ToList();
        if (groups.Count > 0)
        {
            return Failure.Conflict("name", $"'{name}' is in the cartridge group(s) {string.Join(", ", groups)}. Delete {(groups.Count == 1 ? "that group" : "those groups")} first.");
        }

        db.Cartridges.Remove(cartridge);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Failure.Conflict("name", $"An application was created from '{name}' meanwhile; delete it first.");
        }

        return name;
    }

    /// <summary>The cartridge groups (Stratos's), by name.</summary>
    public async Task<IReadOnlyList<CartridgeGroup>> ListGroupsAsync(CancellationToken cancellationToken) =>
        await db.CartridgeGroups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);

    /// <summary>Deletes a cartridge group. Applications created from it keep running, and keep their startup order.</summary>
    public async Task<Result<string>> DeleteGroupAsync(string name, CancellationToken cancellationToken)
    {
        var group = await db.CartridgeGroups.SingleOrDefaultAsync(g => g.Name == name, cancellationToken);
        if (group is null)
        {
            return Failure.NotFound($"There is no cartridge group named '{name}'.");
        }

        db.CartridgeGroups.Remove(group);
        await db.SaveChangesAsync(cancellationToken);
        return name;
    }

    /// <summary>Adds the built-in cartridges that are missing (at start-up; admins' changes to them are kept).</summary>
    internal async Task SeedBuiltInAsync(CancellationToken cancellationToken)
    {
        var existing = await db.Cartridges.Select(c => c.Name).ToListAsync(cancellationToken);
        foreach (var definition in BuiltInCartridges.All.Where(d => !existing.Contains(d.Name)))
        {
            db.Cartridges.Add(Cartridge.From(definition, builtIn: true, clock.GetUtcNow()));
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
