using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

internal sealed class PortalUserEntityTypeConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> builder)
    {
        // Users are not under the tenant filter: sign-in must find a user before any tenant is known.
        // Tenant-scoped user queries go through TeamService, which filters by the caller's tenant.
        builder.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => u.TenantId);
    }
}
