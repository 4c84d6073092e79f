using Npgsql;

namespace Portal.Tests.Support;

/// <summary>A fresh, empty database on the test PostgreSQL server, dropped when disposed.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string serverConnectionString;

    private PostgresDatabase(string serverConnectionString, string name)
    {
        this.serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Creates the database, or returns null when no test server is configured.</summary>
    public static async Task<PostgresDatabase?> CreateAsync()
    {
        if (TestServices.PostgresConnectionString is not { } server)
        {
            return null;
        }

        var database = new PostgresDatabase(server, $"portal_test_{Guid.NewGuid():N}");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Creates the database; skips the calling test (fails it under CI) when no server is configured.</summary>
    public static async Task<PostgresDatabase> RequireAsync()
    {
        var database = await CreateAsync();
        if (database is null)
        {
            TestServices.Unavailable("PostgreSQL (PORTAL_TEST_POSTGRES)");
        }

        return database!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
