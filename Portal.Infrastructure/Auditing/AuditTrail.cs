using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
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

    /// <summary>
    /// One entry per added, changed or deleted row, and per row whose owned values alone changed (a deployment
    /// policy's partitions): those are written with it, before and after, as lists of their values.
    /// </summary>
    public static IReadOnlyList<AuditEntry> Of(ChangeTracker changes, string actor, DateTimeOffset at)
    {
        var entries = changes.Entries().ToList();
        var ownedChanged = entries.Where(o => o.Metadata.IsOwned() && o.State != EntityState.Unchanged).ToList();
        return [.. entries
            .Where(e => !Unaudited.Contains(e.Metadata.ClrType) && !e.Metadata.IsOwned()
                        && (e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                            || e.State == EntityState.Unchanged && ownedChanged.Any(o => BelongsTo(o, e))))
            .Select(e => Of(e, entries, actor, at))
            .OfType<AuditEntry>()];
    }

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

    private static AuditEntry? Of(EntityEntry entry, IReadOnlyList<EntityEntry> tracked, string actor, DateTimeOffset at)
    {
        if (entry.Entity is IdentityUserRole<string> role)
        {
            return RoleOf(entry, role, tracked, actor, at);
        }

        var properties = entry.Properties
            .Where(p => !AuditRules.IsNoise(p.Metadata.Name) && entry.State != EntityState.Unchanged
                        && (entry.State != EntityState.Modified || p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)))
            .ToList();
        var owned = OwnedChanges(entry, tracked);
        if (properties.Count == 0 && owned.Count == 0)
        {
            return null; // only bookkeeping changed
        }

        string? Values(Func<PropertyEntry, object?> value, Func<(object? Before, object? After), object?> ownedValue)
        {
            var values = properties.ToDictionary(p => p.Metadata.Name, p => AuditRules.IsSecret(p.Metadata.Name) ? (value(p) is null ? null : AuditRules.Masked) : Plain(value(p)));
            foreach (var (navigation, change) in owned)
            {
                values[navigation] = ownedValue(change);
            }

            return JsonSerializer.Serialize(values, Json);
        }

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
            Before = entry.State == EntityState.Added ? null : Values(p => p.OriginalValue, c => c.Before),
            After = entry.State == EntityState.Deleted ? null : Values(p => p.CurrentValue, c => c.After),
        };
    }

    /// <summary>
    /// The owned collections and references of <paramref name="owner"/> whose rows were added, changed or deleted, each
    /// as the list of its rows' values before and after (rows in their order; keys and the owner's id left out).
    /// </summary>
    private static Dictionary<string, (object? Before, object? After)> OwnedChanges(EntityEntry owner, IReadOnlyList<EntityEntry> tracked)
    {
        var changes = new Dictionary<string, (object? Before, object? After)>();
        foreach (var navigation in owner.Navigations.Where(n => n.Metadata is INavigation { TargetEntityType: var t } && t.IsOwned()))
        {
            var type = ((INavigation)navigation.Metadata).TargetEntityType;
            var rows = tracked.Where(o => o.Metadata == type && BelongsTo(o, owner)).ToList();
            if (owner.State == EntityState.Modified || owner.State == EntityState.Unchanged)
            {
                if (rows.All(o => o.State == EntityState.Unchanged || o.State == EntityState.Modified && !o.Properties.Any(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))))
                {
                    continue;
                }
            }

            var before = rows.Where(o => o.State != EntityState.Added).OrderBy(Ordinal)
                .Select(o => RowOf(o, p => p.OriginalValue)).ToList();
            var after = rows.Where(o => o.State != EntityState.Deleted).OrderBy(Ordinal)
                .Select(o => RowOf(o, p => p.CurrentValue)).ToList();
            changes[navigation.Metadata.Name] = (before, after);
        }

        return changes;
    }

    private static bool BelongsTo(EntityEntry owned, EntityEntry owner)
    {
        var ownership = owned.Metadata.FindOwnership();
        return ownership is not null && ownership.PrincipalEntityType.IsAssignableFrom(owner.Metadata)
            && ownership.Properties.Select((p, i) => (p, i)).All(x => Equals(
                owned.Property(x.p.Name).CurrentValue ?? owned.Property(x.p.Name).OriginalValue,
                owner.Property(ownership.PrincipalKey.Properties[x.i].Name).CurrentValue));
    }

    /// <summary>Where an owned row stands in its list: the key's last part, the ordinal EF gives a JSON collection's rows.</summary>
    private static object? Ordinal(EntityEntry owned) =>
        owned.Metadata.FindPrimaryKey()?.Properties is { Count: > 0 } key ? owned.Property(key[^1].Name).CurrentValue : null;

    private static Dictionary<string, object?> RowOf(EntityEntry owned, Func<PropertyEntry, object?> value) =>
        owned.Properties.Where(p => !p.Metadata.IsShadowProperty() && !p.Metadata.IsKey())
            .ToDictionary(p => p.Metadata.Name, p => AuditRules.IsSecret(p.Metadata.Name) ? AuditRules.Masked : Plain(value(p)));

    /// <summary>A role given or taken: named by the user's e-mail and the role's name when they are at hand, under the user's tenant.</summary>
    private static AuditEntry? RoleOf(EntityEntry entry, IdentityUserRole<string> role, IReadOnlyList<EntityEntry> tracked, string actor, DateTimeOffset at)
    {
        if (entry.State is not (EntityState.Added or EntityState.Deleted))
        {
            return null;
        }

        var user = tracked.Select(e => e.Entity).OfType<PortalUser>().FirstOrDefault(u => u.Id == role.UserId);
        var roleName = tracked.Select(e => e.Entity).OfType<IdentityRole>().FirstOrDefault(r => r.Id == role.RoleId)?.Name ?? role.RoleId;
        var values = JsonSerializer.Serialize(new Dictionary<string, object?> { ["User"] = user?.Email ?? role.UserId, ["Role"] = roleName }, Json);
        return new AuditEntry
        {
            At = at,
            Actor = actor.ToLowerInvariant(),
            TenantId = user?.TenantId,
            Action = entry.State == EntityState.Added ? AuditAction.Added : AuditAction.Deleted,
            Entity = "UserRole",
            EntityId = $"{role.UserId}/{role.RoleId}",
            Name = $"{user?.Email ?? role.UserId}: {roleName}",
            Before = entry.State == EntityState.Deleted ? values : null,
            After = entry.State == EntityState.Added ? values : null,
        };
    }

    /// <summary>The most characters of one value the log keeps (a long text is cut, its length said).</summary>
    private const int LongestValue = 2000;

    /// <summary>
    /// A value as the log writes it: simple values as they are, lists as arrays, maps as objects (a secret-looking key's
    /// value masked), anything else as its text (a save never fails for its log).
    /// </summary>
    private static object? Plain(object? value) => value switch
    {
        double d when !double.IsFinite(d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        float f when !float.IsFinite(f) => f.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string { Length: > LongestValue } text => $"{text[..LongestValue]}… ({text.Length} characters)", // a schema, say
        null or string or bool or Guid or DateTime or DateTimeOffset or DateOnly or TimeSpan or Enum or decimal => value,
        _ when value.GetType().IsPrimitive => value,
        IEnumerable<string> texts => texts.ToArray(),
        IEnumerable<KeyValuePair<string, string>> map => map.ToDictionary(p => p.Key, p => AuditRules.IsSecret(p.Key) ? AuditRules.Masked : Plain(p.Value)),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(Plain).ToArray(),
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
