using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Applications;
using Portal.Core.Monitoring;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

/// <summary>Samples go with their application; read by application and time, kept bounded by raw-ness and time.</summary>
internal sealed class MetricSampleEntityTypeConfiguration : IEntityTypeConfiguration<MetricSample>
{
    public void Configure(EntityTypeBuilder<MetricSample> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.At).HasField("at");
        builder.HasIndex(s => new { s.ApplicationId, s.At });
        builder.HasIndex(s => s.At); // the retention's removal of old samples and its search for old raw ones
        builder.HasOne<Application>().WithMany().HasForeignKey(s => s.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}
