using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Cartridges;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Partitions;

namespace Portal.Infrastructure.Persistence;

/// <summary>
/// At start-up, before the portal serves anything: applies migrations, creates the roles, when configured the
/// first platform admin (in the reserved platform tenant), the built-in cartridges, the local partition and
/// the default deployment policy. Idempotent.
/// </summary>
public sealed class DatabaseInitializer(
    IServiceScopeFactory scopeFactory,
    IOptions<PortalOptions> options,
    TimeProvider clock,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDbContext>();
        logger.LogInformation("Applying migrations to the {Provider} database", db.Database.ProviderName);
        await db.Database.MigrateAsync(cancellationToken);

        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                EnsureSucceeded(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }

        await EnsurePlatformAdminAsync(db, services.GetRequiredService<UserManager<PortalUser>>(), cancellationToken);
        await services.GetRequiredService<CartridgeCatalogue>().SeedBuiltInAsync(cancellationToken);
        await services.GetRequiredService<PartitionCatalogue>().SeedAsync(cancellationToken);
    }

    private async Task EnsurePlatformAdminAsync(PortalDbContext db, UserManager<PortalUser> users, CancellationToken cancellationToken)
    {
        var admin = options.Value.Admin;
        if (string.IsNullOrWhiteSpace(admin.Email) || string.IsNullOrEmpty(admin.Password))
        {
            logger.LogInformation("No platform admin configured (Portal:Admin:Email and Portal:Admin:Password)");
            return;
        }

        var platform = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == TenantSlug.PlatformTenant, cancellationToken);
        if (platform is null)
        {
            platform = new Tenant { Slug = TenantSlug.PlatformTenant, DisplayName = "Platform", CreatedAt = clock.GetUtcNow() };
            db.Tenants.Add(platform);
            await db.SaveChangesAsync(cancellationToken);
        }

        var user = await users.FindByEmailAsync(admin.Email);
        if (user is not null && user.TenantId != platform.Id)
        {
            // Never promote an account someone signed up for themselves.
            throw new InvalidOperationException(
                $"Portal:Admin:Email is '{admin.Email}', but that account belongs to a tenant; choose another email for the platform admin.");
        }

        if (user is null)
        {
            user = new PortalUser
            {
                UserName = admin.Email, Email = admin.Email, EmailConfirmed = true,
                TenantId = platform.Id, CreatedAt = clock.GetUtcNow(),
            };
            EnsureSucceeded(await users.CreateAsync(user, admin.Password), "create the platform admin");
            logger.LogInformation("Created platform admin {Email}", admin.Email);
        }

        foreach (var role in new[] { PortalRoles.PlatformAdmin, PortalRoles.TenantAdmin })
        {
            if (!await users.IsInRoleAsync(user, role))
            {
                EnsureSucceeded(await users.AddToRoleAsync(user, role), $"give the platform admin role {role}");
            }
        }
    }

    private static void EnsureSucceeded(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
