using System.ComponentModel.DataAnnotations;
using Portal.Core.Cartridges;

namespace Portal.Components.Pages.Admin;

/// <summary>The admin console's cartridge form (register or edit); the domain's rules check the definition it makes.</summary>
public sealed class CartridgeForm
{
    [Required] public string Name { get; set; } = "";

    [Required] public string DisplayName { get; set; } = "";

    [Required] public string Version { get; set; } = "1.0";

    public CartridgeCategory Category { get; set; } = CartridgeCategory.Framework;

    [Required] public string Image { get; set; } = "";

    [Range(1, 65535)] public int ContainerPort { get; set; } = 8080;

    public HealthCheckKind HealthCheck { get; set; } = HealthCheckKind.Http;

    public string? HealthCheckPath { get; set; } = "/";

    public double CpuLimit { get; set; } = 0.5;

    public int MemoryLimitMb { get; set; } = 256;

    public string? PersistencePath { get; set; }

    /// <summary>One <c>NAME=value</c> per line.</summary>
    public string Environment { get; set; } = "";

    /// <summary>Names separated by commas or spaces.</summary>
    public string ExportedVariables { get; set; } = "";

    /// <summary>The form of a registered cartridge, to edit.</summary>
    public static CartridgeForm From(Cartridge cartridge) => new()
    {
        Name = cartridge.Name, DisplayName = cartridge.DisplayName, Version = cartridge.Version, Category = cartridge.Category,
        Image = cartridge.Image, ContainerPort = cartridge.ContainerPort, HealthCheck = cartridge.HealthCheck,
        HealthCheckPath = cartridge.HealthCheckPath, CpuLimit = cartridge.CpuLimit, MemoryLimitMb = cartridge.MemoryLimitMb,
        PersistencePath = cartridge.PersistencePath,
        Environment = string.Join("\n", cartridge.Environment.Select(v => $"{v.Key}={v.Value}")),
        ExportedVariables = string.Join(", ", cartridge.ExportedVariables),
    };

    public CartridgeDefinition ToDefinition() => new()
    {
        Name = Name.Trim(),
        DisplayName = DisplayName,
        Version = Version,
        Category = Category,
        Image = Image.Trim(),
        ContainerPort = ContainerPort,
        HealthCheck = HealthCheck,
        HealthCheckPath = HealthCheck == HealthCheckKind.Http ? HealthCheckPath?.Trim() : null,
        CpuLimit = CpuLimit,
        MemoryLimitMb = MemoryLimitMb,
        PersistencePath = string.IsNullOrWhiteSpace(PersistencePath) ? null : PersistencePath.Trim(),
        Environment = ParseEnvironment(Environment),
        ExportedVariables = ExportedVariables.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries),
    };

    /// <summary><c>NAME=value</c> lines; a line without '=' becomes a name with an empty value, which the rules report.</summary>
    private static Dictionary<string, string> ParseEnvironment(string text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? line : line[..equals].Trim();
            variables[name] = equals < 0 ? "" : line[(equals + 1)..];
        }

        return variables;
    }
}
