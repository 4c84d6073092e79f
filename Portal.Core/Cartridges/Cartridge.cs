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

    /// <summary>
    /// Takes <paramref name="changed"/>'s settings (all but the name, the built-in flag and when it was made); answers
    /// whether what members run changed with them (image, port, health check, variables, limits), so members started
    /// before run something else.
    /// </summary>
    public bool ChangeTo(Cartridge changed)
    {
        var membersChange = changed.Image != Image || changed.ContainerPort != ContainerPort
            || changed.HealthCheck != HealthCheck || changed.HealthCheckPath != HealthCheckPath
            || !changed.Environment.OrderBy(v => v.Key, StringComparer.Ordinal).SequenceEqual(Environment.OrderBy(v => v.Key, StringComparer.Ordinal))
            || changed.CpuLimit != CpuLimit || changed.MemoryLimitMb != MemoryLimitMb;
        (DisplayName, Version, Category, Image, ContainerPort) = (changed.DisplayName, changed.Version, changed.Category, changed.Image, changed.ContainerPort);
        (HealthCheck, HealthCheckPath, Environment) = (changed.HealthCheck, changed.HealthCheckPath, changed.Environment);
        (CpuLimit, MemoryLimitMb, PersistencePath, ExportedVariables) = (changed.CpuLimit, changed.MemoryLimitMb, changed.PersistencePath, changed.ExportedVariables);
        return membersChange;
    }

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
