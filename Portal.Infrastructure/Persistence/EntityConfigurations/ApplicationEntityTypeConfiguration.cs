using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Partitions;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

internal sealed class ApplicationEntityTypeConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> builder)
    {
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.TenantId, a.Name }).IsUnique();
        builder.HasIndex(a => a.ClusterId).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(40);
        builder.Property(a => a.ProtectedCredentials).HasMaxLength(2000);
        builder.Property(a => a.Problem).HasMaxLength(1000);
        builder.Property(a => a.Schema).HasMaxLength(ApplicationRules.MaxSchemaLength);
        builder.Property(a => a.LoadBalancing).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Cartridge>().WithMany().HasForeignKey(a => a.CartridgeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DeploymentPolicy>().WithMany().HasForeignKey(a => a.DeploymentPolicyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Application>().WithMany().HasForeignKey(a => a.LinkedApplicationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Portal.Core.Autoscaling.AutoscalingPolicy>().WithMany().HasForeignKey(a => a.AutoscalingPolicyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Core.Tenancy.Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(a => a.TargetReleaseId);
    }
}

internal sealed class ApplicationDomainEntityTypeConfiguration : IEntityTypeConfiguration<ApplicationDomain>
{
    public void Configure(EntityTypeBuilder<ApplicationDomain> builder)
    {
        builder.HasKey(d => d.Host);
        builder.Property(d => d.Host).HasMaxLength(253);
        builder.HasIndex(d => d.ApplicationId);
        builder.HasOne<Application>().WithMany().HasForeignKey(d => d.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MemberEntityTypeConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => new { m.ApplicationId, m.State });
        builder.HasIndex(m => m.ReleaseId);
        builder.Property(m => m.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.ContainerId).HasMaxLength(64);
        builder.Property(m => m.FaultReason).HasMaxLength(1000);
        builder.HasOne<Application>().WithMany().HasForeignKey(m => m.ApplicationId).OnDelete(DeleteBehavior.Cascade);

        // No foreign key to the partition: a deleted partition's members (all terminated) keep their history.
        builder.HasIndex(m => m.PartitionId);
    }
}

internal sealed class PartitionEntityTypeConfiguration : IEntityTypeConfiguration<Partition>
{
    public void Configure(EntityTypeBuilder<Partition> builder)
    {
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(40);
        builder.Property(p => p.Endpoint).HasMaxLength(255);
        builder.Property(p => p.TlsCertificateDirectory).HasMaxLength(255);
        builder.HasOne<NetworkPartition>().WithMany().HasForeignKey(p => p.NetworkPartitionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NetworkPartitionEntityTypeConfiguration : IEntityTypeConfiguration<NetworkPartition>
{
    public void Configure(EntityTypeBuilder<NetworkPartition> builder)
    {
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(40);
    }
}

internal sealed class DeploymentPolicyEntityTypeConfiguration : IEntityTypeConfiguration<DeploymentPolicy>
{
    public void Configure(EntityTypeBuilder<DeploymentPolicy> builder)
    {
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(40);
        builder.Property(p => p.Algorithm).HasConversion<string>().HasMaxLength(20);

        // The ordered partition list is read and written whole with its policy: one JSON column.
        builder.OwnsMany(p => p.Partitions, partitions => partitions.ToJson());
    }
}
