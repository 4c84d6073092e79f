using System.Security.Cryptography;

namespace Portal.Core.Applications;

/// <summary>The generated credentials of a data application (stored encrypted, never logged).</summary>
public sealed record DatabaseCredentials(string Database, string User, string Password)
{
    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    // Names the server keeps for itself (its system schemas and accounts): an application so named gets a suffix.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "root", "mysql", "mariadb_sys", "public", "information_schema", "performance_schema", "sys", "test",
    };

    /// <summary>Fresh credentials for the data application <paramref name="application"/>: a 32-character random password.</summary>
    public static DatabaseCredentials Generate(string application)
    {
        var name = application.Replace('-', '_');
        name = name.Length > 32 ? name[..32] : name;
        if (Reserved.Contains(name))
        {
            name += "_app";
        }

        return new DatabaseCredentials(name, name, RandomNumberGenerator.GetString(PasswordAlphabet, 32));
    }

    /// <summary>What the data cartridge's container needs on its first start.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment() => new Dictionary<string, string>
    {
        ["DB_NAME"] = Database,
        ["DB_USER"] = User,
        ["DB_PASSWORD"] = Password,
    };

    /// <summary>What a linked application gets: it reaches the database by the data application's name on the tenant network.</summary>
    public IReadOnlyDictionary<string, string> LinkEnvironment(string host, int port) => new Dictionary<string, string>
    {
        ["DB_HOST"] = host,
        ["DB_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DB_NAME"] = Database,
        ["DB_USER"] = User,
        ["DB_PASSWORD"] = Password,
        ["DATABASE_URL"] = $"mysql://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password)}@{host}:{port}/{Uri.EscapeDataString(Database)}",
    };

    /// <summary>Never the password: records print as this.</summary>
    public override string ToString() => $"DatabaseCredentials {{ Database = {Database}, User = {User}, Password = *** }}";
}
