using Portal.Core.Cartridges;
using Portal.Core.Common;

namespace Portal.Core.Applications;

/// <summary>What a tenant asks for when creating or scaling an application.</summary>
public sealed record ApplicationRequest(
    string Name, CartridgeCategory Category, int MinMembers, int MaxMembers, IReadOnlyList<string> Links, string? Schema = null);

/// <summary>The rules of applications: names, member bounds, links. Messages name their field (camelCase).</summary>
public static class ApplicationRules
{
    /// <summary>The most members one application may ask for.</summary>
    public const int MaxMembersLimit = 20;

    /// <summary>The longest schema a data application may be given (characters of SQL).</summary>
    public const int MaxSchemaLength = 64 * 1024;

    /// <summary>
    /// Where a data application's schema is put in its member before the member starts: the directory the official
    /// database images (MySQL, MariaDB, PostgreSQL) and the built-in MySQL cartridge run once, when they create the database.
    /// </summary>
    public const string SchemaPath = "/docker-entrypoint-initdb.d/portal-schema.sql";

    /// <summary>
    /// Problems of <paramref name="request"/>, by field. <paramref name="dataApplications"/> are the tenant's data
    /// applications by name (links may only point at those).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(ApplicationRequest request, IReadOnlySet<string> dataApplications)
    {
        var errors = new Dictionary<string, string[]>();
        if (!DnsLabel.IsValid(request.Name, 2, 40))
        {
            errors["name"] = ["Use 2 to 40 lowercase letters, digits and single hyphens, starting with a letter (it becomes part of a host name)."];
        }

        if (request.Category == CartridgeCategory.Data && (request.MinMembers != 1 || request.MaxMembers != 1))
        {
            errors["maxMembers"] = ["A data application has exactly one member (its data lives on one volume)."];
        }
        else if (request.MinMembers < 1 || request.MinMembers > MaxMembersLimit)
        {
            errors["minMembers"] = [$"Min members must be between 1 and {MaxMembersLimit}."];
        }
        else if (request.MaxMembers < request.MinMembers || request.MaxMembers > MaxMembersLimit)
        {
            errors["maxMembers"] = [$"Max members must be between min members and {MaxMembersLimit}."];
        }

        if (CheckSchema(request.Schema, request.Category) is { } schemaError)
        {
            errors["schema"] = [schemaError];
        }

        var links = request.Links ?? [];
        var linkErrors = new List<string>();
        if (request.Category == CartridgeCategory.Data && links.Count > 0)
        {
            linkErrors.Add("A data application does not link to other applications.");
        }

        linkErrors.AddRange(links.Where(l => l == request.Name).Select(_ => "An application cannot link to itself."));
        linkErrors.AddRange(links.Where(l => l != request.Name && !dataApplications.Contains(l))
            .Select(l => $"'{l}' is not a data application of your tenant."));
        if (links.Distinct(StringComparer.Ordinal).Count() != links.Count)
        {
            linkErrors.Add("Each application can be linked once.");
        }

        if (links.Count > 1)
        {
            linkErrors.Add("Link at most one data application: the DB_* variables name one database.");
        }

        if (linkErrors.Count > 0)
        {
            errors["links"] = [.. linkErrors.Distinct(StringComparer.Ordinal)];
        }

        return errors;
    }

    /// <summary>What is wrong with a schema (SQL run once when a data application's database is created); null when fine or none.</summary>
    public static string? CheckSchema(string? schema, CartridgeCategory category)
    {
        if (string.IsNullOrWhiteSpace(schema))
        {
            return null;
        }

        if (category != CartridgeCategory.Data)
        {
            return "Only a data application takes a schema: it runs once, when its database is created.";
        }

        if (schema.Length > MaxSchemaLength)
        {
            return $"A schema is at most {MaxSchemaLength / 1024} KiB of SQL; this one is {schema.Length / 1024.0:0.#} KiB. Load bigger data from your application.";
        }

        return schema.Contains('\0', StringComparison.Ordinal) ? "A schema is SQL text; this one holds a NUL character." : null;
    }

    /// <summary>Whether <paramref name="members"/> is a size the application may be scaled to; the message says why not.</summary>
    public static string? CheckScale(int members, int minMembers, int maxMembers) =>
        members < minMembers || members > maxMembers
            ? $"The application runs between {minMembers} and {maxMembers} members; {members} is outside that range."
            : null;
}
