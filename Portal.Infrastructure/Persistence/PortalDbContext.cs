using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Auditing;
using Portal.Core.Autoscaling;
using Portal.Core.Git;
using Portal.Core.Metering;
using Portal.Core.Monitoring;
using Portal.Core.Releases;
using Portal.Core.Cartridges;
using Portal.Core.Partitions;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Auditing;
using Portal.Infrastructure.Identity;

namespace Portal.Infrastructure.Persistence;

/// <summary>
/// The portal's database. Every <see cref="ITenantOwned"/> entity is filtered by the tenant of the caller
/// (<see cref="ITenantContext"/>): with no tenant, such queries return nothing. Code that must cross tenants
/// (sign-in, accepting an invitation) says so with <c>IgnoreQueryFilters()</c>.
/// Provider-specific subclasses exist only so each provider has its own migrations.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options, ITenantContext tenantContext)
    : IdentityDbContext<PortalUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public const string TenantFilter = "Tenant";

    /// <summary>Who changes are recorded as when no one is signed in (<see cref="ActingAs"/>).</summary>
    private string? actingAs;

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<Cartridge> Cartridges => Set<Cartridge>();

    public DbSet<CartridgeGroup> CartridgeGroups => Set<CartridgeGroup>();

    public DbSet<Application> Applications => Set<Application>();

    public DbSet<Member> Members => Set<Member>();

    public DbSet<ApplicationDomain> ApplicationDomains => Set<ApplicationDomain>();

    public DbSet<LinkedRepository> Repositories => Set<LinkedRepository>();

    public DbSet<Release> Releases => Set<Release>();

    public DbSet<Partition> Partitions => Set<Partition>();

    public DbSet<NetworkPartition> NetworkPartitions => Set<NetworkPartition>();

    public DbSet<DeploymentPolicy> DeploymentPolicies => Set<DeploymentPolicy>();

    public DbSet<AutoscalingPolicy> AutoscalingPolicies => Set<AutoscalingPolicy>();

    public DbSet<ScalingDecision> ScalingDecisions => Set<ScalingDecision>();

    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();

    public DbSet<MetricSample> MetricSamples => Set<MetricSample>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Installation> Installations => Set<Installation>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The caller's tenant; read by the query filters at query time.</summary>
    public Guid? CurrentTenantId => tenantContext.TenantId;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        foreach (var entityType in builder.Model.GetEntityTypes()
                     .Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType) && t.BaseType is null))
        {
            var entity = Expression.Parameter(entityType.ClrType, "e");
            var filter = Expression.Lambda(
                Expression.Equal(
                    Expression.Convert(Expression.Property(entity, nameof(ITenantOwned.TenantId)), typeof(Guid?)),
                    Expression.Property(Expression.Constant(this), nameof(CurrentTenantId))),
                entity);
            builder.Entity(entityType.ClrType).HasQueryFilter(TenantFilter, filter);
            builder.Entity(entityType.ClrType).HasIndex(nameof(ITenantOwned.TenantId));
        }
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        RecordAudit();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        RecordAudit();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// Records a change made without the change tracker (<c>ExecuteUpdate</c>/<c>ExecuteDelete</c>) in the audit log, saved with
    /// the next save; nothing when no person makes the call.
    /// </summary>
    public void Audit(AuditAction action, string entity, string id, string name, Guid? tenantId, object? before, object? after)
    {
        if (Actor is { Length: > 0 } actor)
        {
            AuditEntries.Add(AuditTrail.Explicit(action, entity, id, name, tenantId, before, after, actor, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>
    /// Until disposed, changes made with no one signed in are recorded as <paramref name="actor"/>'s: a person who
    /// signs up or accepts an invitation makes their own account.
    /// </summary>
    public IDisposable ActingAs(string actor)
    {
        actingAs = actor;
        return new Acting(this);
    }

    private sealed class Acting(PortalDbContext db) : IDisposable
    {
        public void Dispose() => db.actingAs = null;
    }

    private string? Actor => tenantContext.Actor is { Length: > 0 } signedIn ? signedIn : actingAs;

    /// <summary>A person's changes go into the audit log with them (the platform's own work does not).</summary>
    private void RecordAudit()
    {
        if (Actor is { Length: > 0 } actor)
        {
            AuditEntries.AddRange(AuditTrail.Of(ChangeTracker, actor, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>New tenant-owned rows take the caller's tenant; no caller may write another tenant's row.</summary>
    private void StampTenant()
    {
        var current = CurrentTenantId;
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
            {
                entry.Entity.TenantId = current
                    ?? throw new InvalidOperationException($"A {entry.Entity.GetType().Name} needs a tenant and none is signed in.");
            }

            if (current is { } tenant
                && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity.TenantId != tenant)
            {
                throw new InvalidOperationException($"A {entry.Entity.GetType().Name} of another tenant cannot be written.");
            }
        }
    }
}

public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options, ITenantContext tenantContext)
    : PortalDbContext(options, tenantContext)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no type for DateTimeOffset that it can order or compare; store UTC ticks instead.
        configurationBuilder.Properties<DateTimeOffset>()
            .HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options, ITenantContext tenantContext)
    : PortalDbContext(options, tenantContext);
