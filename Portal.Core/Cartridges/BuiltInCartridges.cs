namespace Portal.Core.Cartridges;

/// <summary>The cartridges every portal has from its first start; their Dockerfiles are in <c>cartridges/</c>.</summary>
public static class BuiltInCartridges
{
    /// <summary>What a MySQL application gives the applications linked to it.</summary>
    public static IReadOnlyList<string> DatabaseVariables { get; } =
        ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DATABASE_URL"];

    public static CartridgeDefinition Php { get; } = new()
    {
        Name = "php",
        DisplayName = "PHP 8.2",
        Version = "8.2",
        Category = CartridgeCategory.Framework,
        Image = "portal/php:8.2",
        ContainerPort = 8080,
        HealthCheck = HealthCheckKind.Http,
        HealthCheckPath = "/",
        CpuLimit = 0.5,
        MemoryLimitMb = 256,
        BuildContext = "cartridges/php",
    };

    public static CartridgeDefinition MySql { get; } = new()
    {
        Name = "mysql",
        DisplayName = "MySQL (MariaDB 10.11)",
        Version = "10.11",
        Category = CartridgeCategory.Data,
        Image = "portal/mysql:10.11",
        ContainerPort = 3306,
        HealthCheck = HealthCheckKind.Tcp,
        HealthCheckPath = null,
        CpuLimit = 0.5,
        MemoryLimitMb = 512,
        PersistencePath = "/var/lib/mysql",
        ExportedVariables = DatabaseVariables,
        BuildContext = "cartridges/mysql",
    };

    public static IReadOnlyList<CartridgeDefinition> All { get; } = [Php, MySql];
}
