namespace Portal.Core.Cartridges;

/// <summary>A runtime type of the catalogue: the image members run and how to run and check them.</summary>
public sealed class Cartridge
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    public required string DisplayName { get; set; }

    public required string Version { get; set; }

    public CartridgeCategory Category { get; set; }

    public required string Image { get; set; }

    public int ContainerPort { get; set; }

    public HealthCheckKind HealthCheck { get; set; }

    public string? HealthCheckPath { get; set; }

    public Dictionary<string, string> Environment { get; set; } = [];

    public double CpuLimit { get; set; }

    public int MemoryLimitMb { get; set; }

    public string? PersistencePath { get; set; }

    public List<string> ExportedVariables { get; set; } = [];

    /// <summary>Shipped with the portal (php, mysql); the portal builds its image from <see cref="BuildContext"/>.</summary>
    public bool BuiltIn { get; init; }

    public string? BuildContext { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A cartridge from a definition that <see cref="CartridgeRules.Validate"/> accepted.</summary>
    public static Cartridge From(CartridgeDefinition definition, bool builtIn, DateTimeOffset now) => new()
    {
        Name = definition.Name,
        DisplayName = definition.DisplayName.Trim(),
        Version = definition.Version.Trim(),
        Category = definition.Category,
        Image = definition.Image,
        ContainerPort = definition.ContainerPort,
        HealthCheck = definition.HealthCheck,
        HealthCheckPath = definition.HealthCheck == HealthCheckKind.Http ? definition.HealthCheckPath : null,
        Environment = new Dictionary<string, string>(definition.Environment),
        CpuLimit = definition.CpuLimit,
        MemoryLimitMb = definition.MemoryLimitMb,
        PersistencePath = definition.PersistencePath,
        ExportedVariables = [.. definition.ExportedVariables],
        BuiltIn = builtIn,
        BuildContext = definition.BuildContext,
        CreatedAt = now,
    };
}
