using System.Text.RegularExpressions;
using Portal.Core.Common;
using Portal.Core.Tenancy;

namespace Portal.Core.Cartridges;

/// <summary>What makes a cartridge definition valid; every message names its field (camelCase, as in the API).</summary>
public static partial class CartridgeRules
{
    public const int MaxEnvironmentVariables = 64;
    public const double MinCpu = 0.05;
    public const double MaxCpu = 16;
    public const int MinMemoryMb = 16;
    public const int MaxMemoryMb = 65536;

    // A Docker image reference: [registry[:port]/]repository[:tag][@digest], lowercase repository.
    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImagePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    public static bool IsValidVariableName(string name) => VariablePattern().IsMatch(name);

    /// <summary>The problems of <paramref name="definition"/>, by field; empty when it is valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(CartridgeDefinition definition)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (!DnsLabel.IsValid(definition.Name, 2, 40))
        {
            Add("name", "Use 2 to 40 lowercase letters, digits and single hyphens, starting with a letter.");
        }

        if (string.IsNullOrWhiteSpace(definition.DisplayName) || definition.DisplayName.Length > 100)
        {
            Add("displayName", "A display name of 1 to 100 characters is required.");
        }

        if (string.IsNullOrWhiteSpace(definition.Version) || definition.Version.Length > 40)
        {
            Add("version", "A version of 1 to 40 characters is required.");
        }

        if (!Enum.IsDefined(definition.Category))
        {
            Add("category", "The category must be framework, data or loadBalancer.");
        }

        if (definition.Image is not { Length: > 0 and <= 255 } image || !ImagePattern().IsMatch(image))
        {
            Add("image", "This is not a Docker image reference (e.g. nginx:1.25 or registry.example.com/team/app:1.0).");
        }

        if (definition.ContainerPort is < 1 or > 65535)
        {
            Add("containerPort", "The container port must be between 1 and 65535.");
        }

        if (!Enum.IsDefined(definition.HealthCheck))
        {
            Add("healthCheck", "The health check must be http or tcp.");
        }
        else if (definition.HealthCheck == HealthCheckKind.Http && !PathPattern().IsMatch(definition.HealthCheckPath ?? ""))
        {
            Add("healthCheckPath", "An HTTP health check needs a path starting with / (e.g. /healthz).");
        }

        if (definition.CpuLimit is < MinCpu or > MaxCpu || double.IsNaN(definition.CpuLimit))
        {
            Add("cpuLimit", $"The CPU limit must be between {MinCpu} and {MaxCpu} cores.");
        }

        if (definition.MemoryLimitMb is < MinMemoryMb or > MaxMemoryMb)
        {
            Add("memoryLimitMb", $"The memory limit must be between {MinMemoryMb} and {MaxMemoryMb} MiB.");
        }

        if (definition.PersistencePath is { } persistence && !PathPattern().IsMatch(persistence))
        {
            Add("persistencePath", "The persistence path must be an absolute path in the container (e.g. /var/lib/data).");
        }

        var environment = definition.Environment ?? new Dictionary<string, string>();
        if (environment.Count > MaxEnvironmentVariables)
        {
            Add("environment", $"At most {MaxEnvironmentVariables} variables.");
        }

        foreach (var (name, value) in environment)
        {
            if (!IsValidVariableName(name))
            {
                Add("environment", $"'{Shorten(name)}' is not a variable name (letters, digits and _, not starting with a digit).");
            }
            else if (value is null || value.Length > 4096 || value.Contains('\0', StringComparison.Ordinal))
            {
                Add("environment", $"The value of {name} must be at most 4096 characters, without NUL.");
            }
        }

        foreach (var name in definition.ExportedVariables ?? [])
        {
            if (name is null || !IsValidVariableName(name))
            {
                Add("exportedVariables", $"'{Shorten(name)}' is not a variable name.");
            }
        }

        if (definition.ExportedVariables is { Count: > 0 } && definition.Category != CartridgeCategory.Data)
        {
            Add("exportedVariables", "Only data cartridges export variables to linked applications.");
        }

        if (TenantSlug.Reserved.Contains(definition.Name ?? ""))
        {
            Add("name", $"The name '{definition.Name}' is reserved.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length > 40 ? value[..40] + "…" : value;
}
