using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>Both providers' migrations, restarts that lose nothing, and readiness when the database goes away.</summary>
public sealed class DatabaseTests
{
    [Fact]
    public async Task SQLite_is_the_default_and_keeps_everything_across_a_restart()
    {
        var dataDirectory = Path.Combine(Directory.CreateTempSubdirectory("portal-sqlite-").FullName, "data");
        try
        {
            var tenant = ApiClient.UniqueTenant("lite");
            await using (var first = new PortalFactory(null, dataDirectory))
            {
                Assert.False(first.Services.GetRequiredService<DatabaseProvider>().IsPostgres);
                using var admin = await first.SignUpAsync(tenant);
                Assert.Equal(HttpStatusCode.Created,
                    (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = $"x@{tenant}.test" })).StatusCode);
            }

            Assert.True(File.Exists(Path.Combine(dataDirectory, "portal.db")), "the SQLite file is created in the data directory");

            await using var second = new PortalFactory(null, dataDirectory);
            using var again = await second.SignInAsync($"admin@{tenant}.test", ApiClient.Password);
            Assert.Single((await (await again.GetAsync("/api/v1/invitations")).JsonAsync()).EnumerateArray());
            using var ops = await second.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
            var tenants = (await (await ops.GetAsync("/api/v1/admin/tenants")).JsonAsync()).EnumerateArray().ToList();
            Assert.Single(tenants, t => t.GetProperty("slug").GetString() == "platform");
            Assert.Equal(1, tenants.Single(t => t.GetProperty("slug").GetString() == "platform").GetProperty("users").GetInt32());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dataDirectory)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_self_registered_account_is_never_promoted_to_platform_admin()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("portal-promote-").FullName;
        try
        {
            var tenant = ApiClient.UniqueTenant("sneaky");
            await using (var first = new PortalFactory(null, dataDirectory))
            {
                using var signedUp = await first.SignUpAsync(tenant, email: "ops@corp.test");
            }

            // The operator now configures that same address as the platform admin: the portal refuses to start.
            await using var second = new PortalFactory(null, dataDirectory, adminEmail: "ops@corp.test");
            var error = Assert.ThrowsAny<Exception>(() => second.CreateClient());
            Assert.Contains("belongs to a tenant", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task PostgreSQL_migrations_apply_and_a_restart_loses_nothing()
    {
        await using var database = await PostgresDatabase.RequireAsync();

        var tenant = ApiClient.UniqueTenant("pg");
        var dataDirectory = Directory.CreateTempSubdirectory("portal-pg-").FullName;
        await using (var first = new PortalFactory(database.ConnectionString, dataDirectory))
        {
            Assert.True(first.Services.GetRequiredService<DatabaseProvider>().IsPostgres);
            using var signedUp = await first.SignUpAsync(tenant);
        }

        await using var second = new PortalFactory(database.ConnectionString, dataDirectory);
        using var again = await second.SignInAsync($"admin@{tenant}.test", ApiClient.Password);
        Assert.Equal(tenant, (await (await again.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("tenant").GetString());

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM "__EFMigrationsHistory" """, connection);
        Assert.True((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! >= 1);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "portal.db")), "no SQLite file when PostgreSQL is configured");
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_goes_away_while_liveness_holds()
    {
        await using var database = await PostgresDatabase.RequireAsync();

        var dataDirectory = Directory.CreateTempSubdirectory("portal-ready-").FullName;
        await using var portal = new PortalFactory(database.ConnectionString, dataDirectory);
        using var client = portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await database.DisposeAsync(); // drops the database under the running portal

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_tenant_filter_hides_and_protects_other_tenants_rows()
    {
        await using var database = await PostgresDatabase.RequireAsync();

        var ct = TestContext.Current.CancellationToken;
        var a = new Tenant { Slug = "tenant-a", DisplayName = "A" };
        var b = new Tenant { Slug = "tenant-b", DisplayName = "B" };
        await using (var system = Context(database, NoTenant.Instance))
        {
            await system.Database.MigrateAsync(ct);
            system.Tenants.AddRange(a, b);
            await system.SaveChangesAsync(ct);
        }

        await using (var asA = Context(database, new FixedTenant(a.Id)))
        {
            asA.Invitations.Add(NewInvitation("a@a.test")); // stamped with tenant A
            await asA.SaveChangesAsync(ct);
        }

        await using var asB = Context(database, new FixedTenant(b.Id));
        Assert.Empty(await asB.Invitations.ToListAsync(ct));
        var ofA = await asB.Invitations.IgnoreQueryFilters([PortalDbContext.TenantFilter]).SingleAsync(ct);
        Assert.Equal(a.Id, ofA.TenantId);

        ofA.Revoke(DateTimeOffset.UtcNow);
        Assert.Throws<InvalidOperationException>(() => asB.SaveChanges());
        asB.ChangeTracker.Clear();
        asB.Invitations.Add(new Invitation
        {
            TenantId = a.Id, Email = "sneaky@b.test", Role = PortalRoles.TenantAdmin, TokenHash = "sneaky", InvitedBy = "b",
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => asB.SaveChangesAsync(ct));

        await using var anonymous = Context(database, NoTenant.Instance);
        Assert.Empty(await anonymous.Invitations.ToListAsync(ct));
        anonymous.Invitations.Add(NewInvitation("orphan@x.test"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => anonymous.SaveChangesAsync(ct));
    }

    private static PostgresPortalDbContext Context(PostgresDatabase database, ITenantContext tenant) =>
        new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(database.ConnectionString).Options, tenant);

    private static Invitation NewInvitation(string email) => new()
    {
        Email = email, Role = PortalRoles.TenantMember, TokenHash = Guid.NewGuid().ToString("N"), InvitedBy = "test",
        CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
    };

    private sealed class FixedTenant(Guid id) : ITenantContext
    {
        public Guid? TenantId => id;
    }
}
