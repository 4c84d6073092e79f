using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Metering;
using Portal.Core.Tenancy;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

/// <summary>One row per application and UTC day; no key to the application, so usage outlives it.</summary>
internal sealed class UsageRecordEntityTypeConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        builder.HasKey(u => u.Id);
        builder.HasIndex(u => new { u.ApplicationId, u.Day }).IsUnique();
        builder.HasIndex(u => new { u.TenantId, u.Day });
        builder.Property(u => u.ApplicationName).HasMaxLength(40);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
