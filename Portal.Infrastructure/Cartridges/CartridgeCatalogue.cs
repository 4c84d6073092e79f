using Microsoft.EntityFrameworkCore;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Cartridges;

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
