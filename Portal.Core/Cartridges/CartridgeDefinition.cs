namespace Portal.Core.Cartridges;

/// <summary>What an admin registers (or the portal ships) as a cartridge; checked by <see cref="CartridgeRules"/>.</summary>
public sealed record CartridgeDefinition
{
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required string Version { get; init; }

    public CartridgeCategory Category { get; init; } = CartridgeCategory.Framework;

    /// <summary>The image members run, e.g. <c>portal/php:8.2</c> or <c>nginx:1.25</c>.</summary>
    public required string Image { get; init; }

    public required int ContainerPort { get; init; }

    public HealthCheckKind HealthCheck { get; init; } = HealthCheckKind.Http;

    /// <summary>For <see cref="HealthCheckKind.Http"/>: the path to GET, e.g. <c>/</c>.</summary>
    public string? HealthCheckPath { get; init; } = "/";

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Default CPU limit of a member, in cores.</summary>
    public double CpuLimit { get; init; } = 0.5;

    /// <summary>Default memory limit of a member, in MiB.</summary>
    public int MemoryLimitMb { get; init; } = 256;

    /// <summary>A path in the container kept on a volume across restarts and redeploys (data cartridges).</summary>
    public string? PersistencePath { get; init; }

    /// <summary>Variables a data cartridge gives the applications linked to it (e.g. DB_HOST).</summary>
    public IReadOnlyList<string> ExportedVariables { get; init; } = [];

    /// <summary>For cartridges the portal builds itself: the folder of the repository holding the Dockerfile.</summary>
    public string? BuildContext { get; init; }
}
