using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Tests.Support;

/// <summary>
/// The whole portal in-process, on a real database: PostgreSQL when a connection string is given, otherwise
/// SQLite in a fresh data directory. The first platform admin comes from configuration, as in production.
/// </summary>
/// Its reconciler (which starts containers) runs only when asked: tests of the API alone leave the engine alone.
public sealed class PortalFactory(
    string? postgresConnectionString,
    string dataDirectory,
    string adminEmail = PortalFactory.AdminEmail,
    bool reconcile = false,
    IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string AdminEmail = "ops@platform.test";
    public const string AdminPassword = "Admin-Passw0rd";

    public string DataDirectory { get; } = dataDirectory;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Postgres", postgresConnectionString ?? "");
        builder.UseSetting("Portal:DataDirectory", DataDirectory);
        builder.UseSetting("Portal:Admin:Email", adminEmail);
        builder.UseSetting("Portal:Admin:Password", AdminPassword);
        builder.UseSetting("Portal:Docker:Endpoint", DockerEngine.Options.Endpoint);
        builder.UseSetting("Portal:Reconciler:Enabled", reconcile ? "true" : "false");
        builder.UseSetting("Router:Port", "0"); // the test server takes the router's requests by host name
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>A portal on its own fresh PostgreSQL database, shared by the tests of one class.</summary>
public sealed class PostgresPortalFixture : IAsyncLifetime
{
    private PostgresDatabase? database;
    private PortalFactory? factory;

    /// <summary>The running portal; skips the test (fails under CI) when PostgreSQL is not available.</summary>
    public PortalFactory Portal
    {
        get
        {
            if (factory is null)
            {
                TestServices.Unavailable("PostgreSQL (PORTAL_TEST_POSTGRES)");
            }

            return factory!;
        }
    }

    public string? ConnectionString => database?.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        if (database is not null)
        {
            factory = new PortalFactory(database.ConnectionString, Directory.CreateTempSubdirectory("portal-test-").FullName);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
            Directory.Delete(factory.DataDirectory, recursive: true);
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
