using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Cartridges;

namespace Portal.Infrastructure.Persistence.EntityConfigurations;

internal sealed class CartridgeEntityTypeConfiguration : IEntityTypeConfiguration<Cartridge>
{
    public void Configure(EntityTypeBuilder<Cartridge> builder)
    {
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(40);
        builder.Property(c => c.DisplayName).HasMaxLength(100);
        builder.Property(c => c.Version).HasMaxLength(40);
        builder.Property(c => c.Image).HasMaxLength(255);
        builder.Property(c => c.Category).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.HealthCheck).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.HealthCheckPath).HasMaxLength(256);
        builder.Property(c => c.PersistencePath).HasMaxLength(256);
        builder.Property(c => c.BuildContext).HasMaxLength(256);

        // The environment is a small map read and written whole: one JSON column on every provider.
        builder.Property(c => c.Environment)
            .HasConversion(
                map => JsonSerializer.Serialize(map, JsonSerializerOptions.Default),
                json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => a != null && b != null && a.Count == b.Count && !a.Except(b).Any(),
                    map => map.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    map => new Dictionary<string, string>(map)));
    }
}

internal sealed class CartridgeGroupEntityTypeConfiguration : IEntityTypeConfiguration<CartridgeGroup>
{
    public void Configure(EntityTypeBuilder<CartridgeGroup> builder)
    {
        builder.HasKey(g => g.Id);
        builder.HasIndex(g => g.Name).IsUnique();
        builder.Property(g => g.Name).HasMaxLength(40);
    }
}
