namespace Portal.Core.Auditing;

public enum AuditAction
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One change a person made (a tenant's user or a platform admin): who, when, what (the kind of thing, its id and
/// name) and its values before and after (JSON objects of the properties that changed; secrets masked). The platform's
/// own work (the reconciler, the autoscaler, releases rolling out) is not in it: its logs and events tell it.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public DateTimeOffset At { get; init; }

    /// <summary>The e-mail of who made the change, in lower case.</summary>
    public string Actor { get; init; } = "";

    /// <summary>The tenant the changed thing belongs to; null for the platform's (cartridges, policies, partitions).</summary>
    public Guid? TenantId { get; init; }

    public AuditAction Action { get; init; }

    /// <summary>The kind of thing changed, e.g. <c>Application</c>.</summary>
    public string Entity { get; init; } = "";

    public string EntityId { get; init; } = "";

    /// <summary>Its name where it has one (an application's, a tenant's slug, a user's e-mail), else empty.</summary>
    public string Name { get; init; } = "";

    /// <summary>JSON object of the changed properties' values before (null when added).</summary>
    public string? Before { get; init; }

    /// <summary>JSON object of the changed properties' values after (null when deleted).</summary>
    public string? After { get; init; }
}

/// <summary>What the audit log records and how (pure).</summary>
public static class AuditRules
{
    public const string Masked = "***";

    /// <summary>Properties whose values never go into the log (their change still shows, masked).</summary>
    public static bool IsSecret(string property) =>
        property.Contains("Password", StringComparison.OrdinalIgnoreCase)
        || property.Contains("Secret", StringComparison.OrdinalIgnoreCase)
        || property.Contains("Token", StringComparison.OrdinalIgnoreCase)
        || property.Contains("Hash", StringComparison.OrdinalIgnoreCase)
        || property.Contains("Credential", StringComparison.OrdinalIgnoreCase);

    /// <summary>Bookkeeping that changes on its own (sign-ins, concurrency) and says nothing about what a person changed.</summary>
    public static bool IsNoise(string property) => property is "ConcurrencyStamp" or "SecurityStamp" or "AccessFailedCount" or "LockoutEnd";
}
