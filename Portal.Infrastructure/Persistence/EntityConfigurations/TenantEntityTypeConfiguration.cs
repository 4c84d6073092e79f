using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Tenancy;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

internal sealed class TenantEntityTypeConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Slug).HasMaxLength(TenantSlug.MaxLength);
        builder.HasIndex(t => t.Slug).IsUnique();
        builder.Property(t => t.DisplayName).HasMaxLength(100);
        builder.Ignore(t => t.Quota);
        builder.Ignore(t => t.Suspended);
        builder.Property(t => t.SuspendedReason).HasMaxLength(Tenant.MaxReasonLength);
    }
}
