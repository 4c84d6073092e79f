using System.Text.Json;

namespace Portal.Tests.Support;

/// <summary>Apache Stratos's sample artifacts (Portal.Tests/Stratos/Samples, copied to the output), by their Stratos path.</summary>
public static class StratosSamples
{
    public const string AutoscalingPolicy = "autoscaling-policies/autoscaling-policy-1.json";
    public const string NetworkPartition = "network-partitions/mock/network-partition-1.json";
    public const string DeploymentPolicy = "deployment-policies/deployment-policy-1.json";
    public const string Php = "cartridges/mock/php.json";
    public const string Mysql = "cartridges/mock/mysql.json";
    public const string Tomcat = "cartridges/mock/tomcat.json";
    public const string Group = "cartridge-groups/mysql-php-group.json";
    public const string ApplicationPolicy = "application-policies/application-policy-1.json";
    public const string SingleCartridgeApp = "applications/simple/single-cartridge-app/artifacts/application.json";
    public const string Wordpress = "applications/complex/wordpress-app/artifacts/application.json";

    /// <summary>Every platform sample in the order Stratos's own README imports them (each names only earlier ones).</summary>
    public static IReadOnlyList<string> PlatformInOrder { get; } =
        [AutoscalingPolicy, NetworkPartition, DeploymentPolicy, Php, Mysql, Tomcat, Group, ApplicationPolicy];

    public static string Text(string path) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Stratos", "Samples", "samples__" + path.Replace("/", "__", StringComparison.Ordinal)));

    public static JsonElement Json(string path)
    {
        using var document = JsonDocument.Parse(Text(path));
        return document.RootElement.Clone();
    }
}
