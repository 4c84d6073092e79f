using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Auditing;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

/// <summary>The audit log outlives what it tells of: no keys to the changed things, read newest first.</summary>
internal sealed class AuditEntryEntityTypeConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.TenantId, e.At });
        builder.Property(e => e.Actor).HasMaxLength(256);
        builder.Property(e => e.Entity).HasMaxLength(100);
        builder.Property(e => e.EntityId).HasMaxLength(200);
        builder.Property(e => e.Name).HasMaxLength(256);
        builder.Property(e => e.Action).HasConversion<string>().HasMaxLength(20);
    }
}
