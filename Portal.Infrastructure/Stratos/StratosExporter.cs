using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Stratos;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Stratos;

/// <summary>
/// Writes what the portal holds as Stratos 4.1 artifacts, in the form <see cref="StratosImporter"/> reads back to the
/// same thing (a partition's engine as its <c>endpoint</c> property, a cartridge's image under the docker provider).
/// Applications are the caller's tenant's (the tenant filter applies).
/// </summary>
public sealed class StratosExporter(PortalDbContext db)
{
    public async Task<JsonObject?> ExportAsync(StratosKind kind, string name, CancellationToken cancellationToken) => kind switch
    {
        StratosKind.Cartridge => await db.Cartridges.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken) is { } cartridge
            ? StratosCartridge.Export(cartridge)
            : null,
        StratosKind.AutoscalingPolicy => await db.AutoscalingPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken) is { } policy
            ? StratosAutoscalingPolicy.Export(policy)
            : null,
        StratosKind.CartridgeGroup => await db.CartridgeGroups.AsNoTracking().SingleOrDefaultAsync(g => g.Name == name, cancellationToken) is { } group
            ? StratosCartridgeGroup.Export(group)
            : null,
        StratosKind.NetworkPartition => await NetworkPartitionAsync(name, cancellationToken),
        StratosKind.DeploymentPolicy => await DeploymentPolicyAsync(name, cancellationToken),
        StratosKind.Application => await ApplicationAsync(name, cancellationToken),
        _ => null,
    };

    private async Task<JsonObject?> NetworkPartitionAsync(string name, CancellationToken cancellationToken)
    {
        var network = await db.NetworkPartitions.AsNoTracking().SingleOrDefaultAsync(n => n.Name == name, cancellationToken);
        if (network is null)
        {
            return null;
        }

        var partitions = await db.Partitions.AsNoTracking().Where(p => p.NetworkPartitionId == network.Id).OrderBy(p => p.CreatedAt)
            .Select(p => new { p.Name, p.Endpoint, p.TlsCertificateDirectory }).ToListAsync(cancellationToken);
        return StratosNetworkPartition.Export(network.Name, partitions.Select(p => (p.Name, p.Endpoint, p.TlsCertificateDirectory)));
    }

    private async Task<JsonObject?> DeploymentPolicyAsync(string name, CancellationToken cancellationToken)
    {
        var policy = await db.DeploymentPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (policy is null)
        {
            return null;
        }

        var partitions = await (from p in db.Partitions.AsNoTracking()
                                join n in db.NetworkPartitions.AsNoTracking() on p.NetworkPartitionId equals n.Id
                                select new { p.Id, p.Name, Network = n.Name }).ToDictionaryAsync(p => p.Id, cancellationToken);
        return StratosDeploymentPolicy.Export(policy.Name, policy.Algorithm,
            policy.Partitions.Where(p => partitions.ContainsKey(p.PartitionId))
                .Select(p => (partitions[p.PartitionId].Network, partitions[p.PartitionId].Name, p.MaxMembers, p.Burst)));
    }

    /// <summary>The application with the applications it starts after and links to (and theirs): one Stratos application.</summary>
    private async Task<JsonObject?> ApplicationAsync(string name, CancellationToken cancellationToken)
    {
        var all = await db.Applications.AsNoTracking().ToDictionaryAsync(a => a.Id, cancellationToken);
        if (all.Values.FirstOrDefault(a => a.Name == name) is not { } root)
        {
            return null;
        }

        var included = new List<Application>();
        var pending = new Stack<Application>([root]);
        while (pending.TryPop(out var application))
        {
            if (included.Contains(application))
            {
                continue;
            }

            included.Add(application);
            foreach (var id in application.StartAfter.Append(application.LinkedApplicationId ?? Guid.Empty).Where(all.ContainsKey))
            {
                pending.Push(all[id]);
            }
        }

        var cartridges = await db.Cartridges.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var policies = await db.DeploymentPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var autoscaling = await db.AutoscalingPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var subscriptions = new JsonArray();
        foreach (var application in included.OrderBy(a => a.CreatedAt))
        {
            var info = new JsonObject
            {
                ["alias"] = application.Name,
                ["deploymentPolicy"] = policies.GetValueOrDefault(application.DeploymentPolicyId),
            };
            if (application.AutoscalingPolicyId is { } scaling && autoscaling.TryGetValue(scaling, out var policy))
            {
                info["autoscalingPolicy"] = policy;
            }

            if (application.LinkedApplicationId is { } linked && all.TryGetValue(linked, out var database))
            {
                info["dependencyAliases"] = new JsonArray($"cartridge.{database.Name}");
            }

            subscriptions.Add(new JsonObject
            {
                ["type"] = cartridges.GetValueOrDefault(application.CartridgeId),
                ["cartridgeMin"] = application.MinMembers,
                ["cartridgeMax"] = application.MaxMembers,
                ["subscribableInfo"] = info,
            });
        }

        var orders = new JsonArray([.. included
            .SelectMany(a => a.StartAfter.Where(all.ContainsKey).Select(before => (Before: all[before].Name, After: a.Name)))
            .Select(pair => (JsonNode)new JsonObject { ["aliases"] = new JsonArray($"cartridge.{pair.Before}", $"cartridge.{pair.After}") })]);
        var components = new JsonObject { ["cartridges"] = subscriptions };
        if (orders.Count > 0)
        {
            components["dependencies"] = new JsonObject { ["startupOrders"] = orders, ["terminationBehaviour"] = "terminate-none" };
        }

        return new JsonObject { ["applicationId"] = root.Name, ["alias"] = root.Name, ["components"] = components };
    }
}
