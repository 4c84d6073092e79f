using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

internal sealed class AutoscalingPolicyEntityTypeConfiguration : IEntityTypeConfiguration<AutoscalingPolicy>
{
    public void Configure(EntityTypeBuilder<AutoscalingPolicy> builder)
    {
        builder.HasKey(p => p.Id);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(40);
    }
}

internal sealed class ScalingDecisionEntityTypeConfiguration : IEntityTypeConfiguration<ScalingDecision>
{
    public void Configure(EntityTypeBuilder<ScalingDecision> builder)
    {
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.ApplicationId, d.At });
        builder.Property(d => d.Action).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Reason).HasMaxLength(1000);
        builder.Property(d => d.Policy).HasMaxLength(40);
        builder.HasOne<Application>().WithMany().HasForeignKey(d => d.ApplicationId).OnDelete(DeleteBehavior.Cascade);

        // The figures behind a decision are read and written whole with it: one JSON column.
        builder.OwnsMany(d => d.Metrics, metrics =>
        {
            metrics.ToJson();
            metrics.Property(m => m.Metric).HasConversion<string>();
        });
    }
}
