using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Portal.Infrastructure.Persistence;

/// <summary>
/// SQLite in the data directory by default; PostgreSQL when <c>ConnectionStrings:Postgres</c> is set.
/// </summary>
public sealed record DatabaseProvider(bool IsPostgres, string ConnectionString)
{
    public const string PostgresConnectionStringName = "Postgres";

    public static DatabaseProvider FromConfiguration(IConfiguration configuration, PortalOptions options)
    {
        var postgres = configuration.GetConnectionString(PostgresConnectionStringName);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return new DatabaseProvider(true, postgres);
        }

        var directory = options.DataDirectoryFullPath;
        Directory.CreateDirectory(directory);
        return new DatabaseProvider(false, $"Data Source={Path.Combine(directory, "portal.db")}");
    }

    public string Name => IsPostgres ? "PostgreSQL" : "SQLite";

    public void Configure(DbContextOptionsBuilder builder)
    {
        if (IsPostgres)
        {
            builder.UseNpgsql(ConnectionString);
        }
        else
        {
            builder.UseSqlite(ConnectionString);
        }
    }
}
