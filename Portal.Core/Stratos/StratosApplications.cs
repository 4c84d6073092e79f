using System.Text.Json.Nodes;
using Portal.Core.Cartridges;

namespace Portal.Core.Stratos;

/// <summary>A Stratos cartridge group: cartridges deployed together, and which start first.</summary>
public sealed record StratosCartridgeGroup(string Name, IReadOnlyList<string> Cartridges, IReadOnlyList<IReadOnlyList<string>> StartupOrders)
    : StratosArtifact(Name)
{
    public override StratosKind Kind => StratosKind.CartridgeGroup;

    internal static StratosCartridgeGroup? Read(StratosReader reader)
    {
        var name = reader.Text("name")?.Trim();
        var cartridges = reader.Strings("cartridges").Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        var orders = new List<IReadOnlyList<string>>();
        if (reader.Child("dependencies") is { } dependencies)
        {
            orders.AddRange(StratosStartupOrders.Read(dependencies));
            dependencies.Ignore("each application scales on its own", "scalingDependents");
            dependencies.Ignore("removing one application never removes another", "terminationBehaviour");
            dependencies.Complete();
        }

        reader.Ignore("groups of groups are not supported: list their cartridges in one group", "groups");
        reader.Ignore("each application scales and is monitored on its own", "groupScalingEnabled", "groupInstanceMonitoringEnabled");
        reader.Ignore("the portal has no counterpart", "description", "alias");
        return string.IsNullOrEmpty(name) ? null : new StratosCartridgeGroup(name, cartridges, orders);
    }

    public static JsonObject Export(CartridgeGroup group) => new()
    {
        ["name"] = group.Name,
        ["cartridges"] = new JsonArray([.. group.Cartridges.Select(c => (JsonNode)c)]),
        ["dependencies"] = new JsonObject
        {
            ["startupOrders"] = new JsonArray([.. group.StartupOrders.Select(o =>
                (JsonNode)new JsonObject { ["aliases"] = new JsonArray([.. CartridgeGroup.Aliases(o).Select(a => (JsonNode)a)]) })]),
            ["terminationBehaviour"] = "terminate-none",
        },
    };
}

/// <summary>Stratos's startup orders, in both forms it wrote: <c>[{ "aliases": ["cartridge.a", "cartridge.b"] }]</c> and <c>["cartridge.a,cartridge.b"]</c>.</summary>
internal static class StratosStartupOrders
{
    public static IEnumerable<IReadOnlyList<string>> Read(StratosReader dependencies)
    {
        var orders = new List<IReadOnlyList<string>>();
        if (dependencies.HoldsObjects("startupOrders"))
        {
            foreach (var order in dependencies.Objects("startupOrders"))
            {
                orders.Add([.. order.Strings("aliases").Select(a => a.Trim()).Where(a => a.Length > 0)]);
                order.Complete();
            }
        }
        else
        {
            orders.AddRange(dependencies.Strings("startupOrders")
                .Select(text => (IReadOnlyList<string>)[.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]));
        }

        return orders.Where(o => o.Count > 1);
    }
}

/// <summary>One cartridge an application subscribes to: its alias becomes the portal application's name.</summary>
public sealed record StratosSubscription(
    string Alias, string Cartridge, int? Min, int? Max, string? DeploymentPolicy, string? AutoscalingPolicy, string? RepositoryUrl, string? Group)
{
    /// <summary>The aliases this one depends on (Stratos's <c>dependencyAliases</c>; the portal exports a link as one).</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];
}

/// <summary>A group an application deploys: the cartridge group named, with the subscriptions of its cartridges.</summary>
public sealed record StratosGroupSubscription(string Group, string Alias);

/// <summary>
/// A Stratos application: cartridges and groups of cartridges, each subscription under an alias. The portal creates
/// one application per subscription, named by its alias, in the importing tenant.
/// </summary>
public sealed record StratosApplication(
    string Name, IReadOnlyList<StratosSubscription> Subscriptions, IReadOnlyList<StratosGroupSubscription> Groups,
    IReadOnlyList<IReadOnlyList<string>> StartupOrders) : StratosArtifact(Name)
{
    public override StratosKind Kind => StratosKind.Application;

    internal static StratosApplication? Read(StratosReader reader)
    {
        var id = reader.Text("applicationId")?.Trim();
        var subscriptions = new List<StratosSubscription>();
        var groups = new List<StratosGroupSubscription>();
        var orders = new List<IReadOnlyList<string>>();
        if (reader.Child("components") is { } components)
        {
            subscriptions.AddRange(components.Objects("cartridges").Select(c => ReadSubscription(c, null)).OfType<StratosSubscription>());
            foreach (var group in components.Objects("groups"))
            {
                var name = group.Text("name")?.Trim();
                var alias = group.Text("alias")?.Trim();
                if (string.IsNullOrEmpty(name))
                {
                    group.Warn("name", "missing: the group is ignored.");
                    group.Complete();
                    continue;
                }

                foreach (var bound in new[] { "groupMinInstances", "groupMaxInstances" })
                {
                    if (group.Whole(bound) is { } instances && instances != 1)
                    {
                        group.Warn(bound, $"{instances}: a group is deployed once (its cartridges' min and max set their members).");
                    }
                }

                groups.Add(new StratosGroupSubscription(name, string.IsNullOrEmpty(alias) ? name : alias));
                subscriptions.AddRange(group.Objects("cartridges").Select(c => ReadSubscription(c, name)).OfType<StratosSubscription>());
                group.Ignore("groups of groups are not supported", "groups");
                group.Ignore("each application scales and is monitored on its own", "groupScalingEnabled", "groupInstanceMonitoringEnabled", "deploymentPolicy");
                group.Complete();
            }

            if (components.Child("dependencies") is { } dependencies)
            {
                orders.AddRange(StratosStartupOrders.Read(dependencies));
                dependencies.Ignore("each application scales on its own", "scalingDependents");
                dependencies.Ignore("removing one application never removes another", "terminationBehaviour");
                dependencies.Complete();
            }

            components.Complete();
        }

        reader.Ignore("every application is the tenant's own", "multiTenant");
        reader.Ignore("the portal names each application by its subscription's alias", "alias", "name");
        reader.Ignore("the portal has no counterpart", "description", "parameters", "properties");
        return string.IsNullOrEmpty(id) ? null : new StratosApplication(id, subscriptions, groups, orders);
    }

    private static StratosSubscription? ReadSubscription(StratosReader cartridge, string? group)
    {
        var type = cartridge.Text("type")?.Trim();
        var min = cartridge.Whole("cartridgeMin");
        var max = cartridge.Whole("cartridgeMax");
        var info = cartridge.Child("subscribableInfo");
        var alias = info?.Text("alias")?.Trim();
        var deployment = info?.Text("deploymentPolicy")?.Trim();
        var autoscaling = info?.Text("autoscalingPolicy")?.Trim();
        string? repository = null;
        if (info?.Child("artifactRepository") is { } artifacts)
        {
            repository = artifacts.Text("repoUrl")?.Trim();
            artifacts.Ignore("link the repository on the application's page: the portal keeps its credentials encrypted", "repoUsername", "repoPassword");
            artifacts.Ignore("the portal has no counterpart", "privateRepo", "commitEnabled");
            artifacts.Complete();
        }

        var dependsOn = info?.Strings("dependencyAliases").Select(a => a.Trim()).Select(a => a.StartsWith("cartridge.", StringComparison.Ordinal) ? a["cartridge.".Length..] : a)
            .Where(a => a.Length > 0).ToList() ?? [];
        info?.Ignore("the portal has no counterpart", "lvsVirtualIP", "persistence", "property", "maxMembers", "minMembers");
        info?.Complete();
        cartridge.Ignore("the portal has no counterpart", "cartridgeDescription");
        cartridge.Complete();
        if (string.IsNullOrEmpty(type) || string.IsNullOrEmpty(alias))
        {
            cartridge.Warn(string.IsNullOrEmpty(type) ? "type" : "subscribableInfo.alias", "missing: the subscription is ignored.");
            return null;
        }

        return new StratosSubscription(alias, type, min, max, deployment, autoscaling, string.IsNullOrEmpty(repository) ? null : repository, group)
        {
            DependsOn = dependsOn,
        };
    }

    /// <summary>
    /// Which aliases each subscription starts after: the startup orders of its groups (by group name) and of the
    /// application itself, read as "each alias waits for the one before it". A <c>group.x</c> alias stands for
    /// every subscription of group x. Aliases naming nothing are reported in <paramref name="warnings"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StartAfter(
        IReadOnlyDictionary<string, CartridgeGroup> groups, ICollection<string> warnings)
    {
        var after = Subscriptions.ToDictionary(s => s.Alias, _ => new List<string>(), StringComparer.Ordinal);
        IReadOnlyList<string> Resolve(string alias)
        {
            var (kind, name) = alias.IndexOf('.') is var dot and > 0 ? (alias[..dot], alias[(dot + 1)..]) : ("cartridge", alias);
            if (kind == "group")
            {
                var group = Groups.FirstOrDefault(g => g.Alias == name);
                return group is null ? [] : [.. Subscriptions.Where(s => s.Group == group.Group).Select(s => s.Alias)];
            }

            return after.ContainsKey(name) ? [name] : [];
        }

        var orders = Groups.Where(g => groups.ContainsKey(g.Group)).SelectMany(g => groups[g.Group].StartupOrders.Select(CartridgeGroup.Aliases))
            .Concat(StartupOrders);
        foreach (var order in orders)
        {
            for (var i = 1; i < order.Count; i++)
            {
                var before = Resolve(order[i - 1]);
                var next = Resolve(order[i]);
                if (before.Count == 0 || next.Count == 0)
                {
                    warnings.Add($"startup order {string.Join(" → ", order)}: '{(before.Count == 0 ? order[i - 1] : order[i])}' names no subscription of this application; ignored.");
                    continue;
                }

                foreach (var alias in next)
                {
                    after[alias].AddRange(before.Where(b => b != alias && !after[alias].Contains(b)));
                }
            }
        }

        return after.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }
}
