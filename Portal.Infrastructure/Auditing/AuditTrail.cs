using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Portal.Core.Applications;
using Portal.Core.Auditing;
using Portal.Core.Autoscaling;
using Portal.Core.Metering;
using Portal.Core.Monitoring;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Auditing;

/// <summary>
/// Turns what a person is about to save into <see cref="AuditEntry"/> rows saved with it (one transaction: a change is
/// never without its entry). Called by <see cref="PortalDbContext"/> before each save when the caller is a person.
/// The platform's own records (members, samples, usage, decisions, keys) and sign-in bookkeeping are left out.
/// </summary>
internal static class AuditTrail
{
    private static readonly HashSet<Type> Unaudited =
    [
        typeof(AuditEntry), typeof(Member), typeof(MetricSample), typeof(UsageRecord), typeof(ScalingDecision), typeof(Installation),
        typeof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey),
        typeof(IdentityUserToken<string>), typeof(IdentityUserLogin<string>), typeof(IdentityUserClaim<string>),
        typeof(IdentityRoleClaim<string>), typeof(IdentityRole),
    ];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static IReadOnlyList<AuditEntry> Of(ChangeTracker changes, string actor, DateTimeOffset at) =>
        [.. changes.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                        && !Unaudited.Contains(e.Metadata.ClrType) && !e.Metadata.IsOwned())
            .Select(e => Of(e, actor, at))
            .OfType<AuditEntry>()];

    /// <summary>An entry for a change made without the change tracker; <paramref name="before"/> and <paramref name="after"/> are objects of the values.</summary>
    public static AuditEntry Explicit(
        AuditAction action, string entity, string id, string name, Guid? tenantId, object? before, object? after, string actor, DateTimeOffset at) => new()
    {
        At = at,
        Actor = actor.ToLowerInvariant(),
        TenantId = tenantId,
        Action = action,
        Entity = entity,
        EntityId = id,
        Name = name,
        Before = before is null ? null : JsonSerializer.Serialize(before, Json),
        After = after is null ? null : JsonSerializer.Serialize(after, Json),
    };

    private static AuditEntry? Of(EntityEntry entry, string actor, DateTimeOffset at)
    {
        var properties = entry.Properties
            .Where(p => !AuditRules.IsNoise(p.Metadata.Name) && (entry.State != EntityState.Modified || p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)))
            .ToList();
        if (properties.Count == 0)
        {
            return null; // only bookkeeping changed
        }

        string? Values(Func<PropertyEntry, object?> value) => JsonSerializer.Serialize(
            properties.ToDictionary(p => p.Metadata.Name, p => AuditRules.IsSecret(p.Metadata.Name) ? (value(p) is null ? null : AuditRules.Masked) : Plain(value(p))), Json);

        return new AuditEntry
        {
            At = at,
            Actor = actor.ToLowerInvariant(),
            TenantId = TenantOf(entry),
            Action = entry.State switch
            {
                EntityState.Added => AuditAction.Added,
                EntityState.Deleted => AuditAction.Deleted,
                _ => AuditAction.Modified,
            },
            Entity = entry.Metadata.ClrType.Name.Split('`')[0],
            EntityId = string.Join("/", entry.Metadata.FindPrimaryKey()?.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString()) ?? []),
            Name = NameOf(entry),
            Before = entry.State == EntityState.Added ? null : Values(p => p.OriginalValue),
            After = entry.State == EntityState.Deleted ? null : Values(p => p.CurrentValue),
        };
    }

    /// <summary>The most characters of one value the log keeps (a long text is cut, its length said).</summary>
    private const int LongestValue = 2000;

    /// <summary>A value as the log writes it: simple values as they are, lists of text as arrays, anything else as its text (a save never fails for its log).</summary>
    private static object? Plain(object? value) => value switch
    {
        double d when !double.IsFinite(d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        float f when !float.IsFinite(f) => f.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string { Length: > LongestValue } text => $"{text[..LongestValue]}… ({text.Length} characters)", // a schema, say
        null or string or bool or Guid or DateTime or DateTimeOffset or DateOnly or TimeSpan or Enum or decimal => value,
        _ when value.GetType().IsPrimitive => value,
        IEnumerable<string> texts => texts.ToArray(),
        _ => value.ToString(),
    };

    private static Guid? TenantOf(EntityEntry entry) => entry.Entity switch
    {
        ITenantOwned owned => owned.TenantId,
        Tenant tenant => tenant.Id,
        PortalUser user => user.TenantId,
        _ => null,
    };

    private static string NameOf(EntityEntry entry)
    {
        foreach (var name in new[] { "Name", "Slug", "Email", "Host" })
        {
            if (entry.Metadata.FindProperty(name) is not null && entry.Property(name).CurrentValue is string value)
            {
                return value;
            }
        }

        return "";
    }
}
