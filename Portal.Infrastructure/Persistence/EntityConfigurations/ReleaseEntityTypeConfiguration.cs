using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Applications;
using Portal.Core.Git;
using Portal.Core.Releases;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

internal sealed class ReleaseEntityTypeConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> builder)
    {
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.ApplicationId, r.Number }).IsUnique();
        builder.HasIndex(r => new { r.ApplicationId, r.DeliveryId }).IsUnique();
        builder.HasIndex(r => r.State);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.TriggeredBy).HasMaxLength(300);
        builder.Property(r => r.RequestedCommit).HasMaxLength(64);
        builder.Property(r => r.DeliveryId).HasMaxLength(200);
        builder.Property(r => r.CommitId).HasMaxLength(64);
        builder.Property(r => r.Subject).HasMaxLength(200);
        builder.Property(r => r.Author).HasMaxLength(200);
        builder.Property(r => r.Image).HasMaxLength(200);
        builder.Property(r => r.Error).HasMaxLength(1000);
        builder.Property(r => r.Log).HasMaxLength(8000);
        builder.Ignore(r => r.IsFinished);
        builder.Ignore(r => r.InProgress);
        builder.Ignore(r => r.ShortCommit);
        builder.HasOne<Application>().WithMany().HasForeignKey(r => r.ApplicationId).OnDelete(DeleteBehavior.Cascade);

        // The steps are read and written whole with their release: one JSON column.
        builder.OwnsMany(r => r.Steps, steps => steps.ToJson());
    }
}

internal sealed class LinkedRepositoryEntityTypeConfiguration : IEntityTypeConfiguration<LinkedRepository>
{
    public void Configure(EntityTypeBuilder<LinkedRepository> builder)
    {
        builder.HasKey(r => r.ApplicationId);
        builder.Property(r => r.Url).HasMaxLength(500);
        builder.Property(r => r.Branch).HasMaxLength(200);
        builder.Property(r => r.Username).HasMaxLength(200);
        builder.Property(r => r.ProtectedPassword).HasMaxLength(4000);
        builder.Property(r => r.ProtectedWebhookSecret).HasMaxLength(1000);
        builder.HasOne<Application>().WithOne().HasForeignKey<LinkedRepository>(r => r.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}
