using Npgsql;

namespace Portal.E2E.Support;

/// <summary>A fresh database on the test PostgreSQL server (<c>PORTAL_TEST_POSTGRES</c>), dropped when disposed.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string server;

    private TestDatabase(string server, string name)
    {
        this.server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The database, or null without a test server (then CI=true fails: it must have one).</summary>
    public static async Task<TestDatabase?> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            return string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
                ? throw new InvalidOperationException("CI=true but PORTAL_TEST_POSTGRES is not set; run scripts/test.sh.")
                : null;
        }

        var database = new TestDatabase(server, $"portal_e2e_{Guid.NewGuid():N}");
        await database.ExecuteAsync($"CREATE DATABASE \"{database.Name}\"");
        return database;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
