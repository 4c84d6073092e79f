using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Core.Partitions;
using Portal.Core.Stratos;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Autoscaling;
using Portal.Infrastructure.Cartridges;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Stratos;

/// <summary>What an import did: the artifact's kind and name, what mapped onto what, and what was ignored or guessed.</summary>
public sealed record StratosImportReport(StratosKind Kind, string Name, IReadOnlyList<string> Mapped, IReadOnlyList<string> Warnings);

/// <summary>
/// Imports one parsed Stratos 4.1 artifact through the portal's own services (so their rules hold), all of it or
/// nothing: one transaction. Platform kinds (cartridges, policies, partitions, groups) are for platform admins;
/// applications go to the caller's tenant, one portal application per subscription, named by its alias.
/// </summary>
public sealed class StratosImporter(
    PortalDbContext db,
    CartridgeCatalogue cartridges,
    AutoscalingService autoscaling,
    PartitionCatalogue partitions,
    ApplicationService applications,
    TimeProvider clock)
{
    /// <summary>The most an artifact may weigh (Stratos's are a few kilobytes).</summary>
    public const int MaxArtifactBytes = 1024 * 1024;

    /// <summary>
    /// Imports one artifact given as JSON text: parsed, its kind detected, refused when the caller may not import
    /// that kind (everything but applications is for platform admins).
    /// </summary>
    public async Task<Result<StratosImportReport>> ImportAsync(string json, bool platformAdmin, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            return Failure.Validation("artifact", $"This is not JSON: {e.Message}");
        }

        using (document)
        {
            var parsed = StratosArtifacts.Parse(document.RootElement);
            if (!parsed.Succeeded)
            {
                return parsed.Failure!;
            }

            var kind = parsed.Value!.Artifact.Kind;
            if (kind != StratosKind.Application && !platformAdmin)
            {
                return Failure.Forbidden($"Only platform admins import a {StratosArtifacts.Describe(kind)}; tenants import applications.");
            }

            return await ImportAsync(parsed.Value, cancellationToken);
        }
    }

    public async Task<Result<StratosImportReport>> ImportAsync(ParsedStratosArtifact parsed, CancellationToken cancellationToken)
    {
        var mapped = new List<string>();
        var warnings = new List<string>(parsed.Warnings);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Failure? outcome;
        try
        {
            outcome = await ApplyAsync(parsed.Artifact, mapped, warnings, cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            // A race with another change (a name taken, a policy deleted meanwhile): nothing of the import is kept.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return Failure.Conflict("artifact", "Something the artifact names was changed meanwhile; nothing was imported. Try again.");
        }
        catch
        {
            db.ChangeTracker.Clear(); // a page's long-lived context must not save the half of it later
            throw;
        }

        if (outcome is { } failure)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear(); // a page's long-lived context must not save the half of it later
            return failure;
        }

        await transaction.CommitAsync(cancellationToken);
        return new StratosImportReport(parsed.Artifact.Kind, parsed.Artifact.Name, mapped, warnings);
    }

    private async Task<Failure?> ApplyAsync(StratosArtifact artifact, List<string> mapped, List<string> warnings, CancellationToken cancellationToken) =>
        artifact switch
        {
            StratosCartridge cartridge => await ImportAsync(cartridge, mapped, cancellationToken),
            StratosAutoscalingPolicy policy => await ImportAsync(policy, mapped, cancellationToken),
            StratosNetworkPartition network => await ImportAsync(network, mapped, warnings, cancellationToken),
            StratosDeploymentPolicy policy => await ImportAsync(policy, mapped, warnings, cancellationToken),
            StratosCartridgeGroup group => await ImportAsync(group, mapped, cancellationToken),
            StratosApplicationPolicy policy => await ImportAsync(policy, mapped, warnings, cancellationToken),
            StratosApplication application => await ImportAsync(application, mapped, warnings, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(artifact), artifact.Kind, "Not an artifact kind the portal imports."),
        };

    private async Task<Failure?> ImportAsync(StratosCartridge artifact, List<string> mapped, CancellationToken cancellationToken)
    {
        if (await cartridges.FindAsync(artifact.Name, cancellationToken) is { } existing)
        {
            mapped.Add($"type {artifact.Name} → the cartridge '{existing.Name}' exists already ({(existing.BuiltIn ? "built in" : "registered")}, image {existing.Image}): kept as it is.");
            return null;
        }

        var definition = artifact.ToDefinition();
        var result = await cartridges.RegisterAsync(definition, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure;
        }

        mapped.Add($"type {artifact.Name} → cartridge '{definition.Name}' (registered)");
        mapped.Add($"displayName, version → '{definition.DisplayName}', version {definition.Version}");
        mapped.Add($"category → {definition.Category.ToString().ToLowerInvariant()}");
        mapped.Add($"portMapping → container port {definition.ContainerPort} ({(definition.HealthCheck == HealthCheckKind.Http ? "HTTP health check on /" : "TCP health check")})");
        mapped.Add(artifact.ImageFromStratos ? $"iaasProvider.imageId → Docker image {definition.Image}" : $"type:version → Docker image {definition.Image}");
        return null;
    }

    private async Task<Failure?> ImportAsync(StratosAutoscalingPolicy artifact, List<string> mapped, CancellationToken cancellationToken)
    {
        // What the artifact does not say keeps its value (an existing policy's, else the portal's default).
        var existing = await autoscaling.GetPolicyAsync(artifact.Name, cancellationToken);
        var input = new AutoscalingPolicyInput(artifact.Name, artifact.CpuPercent, artifact.MemoryPercent, artifact.RequestsInFlight,
            artifact.EvaluationIntervalSeconds ?? existing?.EvaluationInterval.TotalSeconds,
            artifact.WindowSeconds ?? existing?.Window.TotalSeconds,
            artifact.HorizonSeconds ?? existing?.Horizon?.TotalSeconds,
            artifact.ScaleUpCooldownSeconds ?? existing?.ScaleUpCooldown.TotalSeconds,
            artifact.ScaleDownCooldownSeconds ?? existing?.ScaleDownCooldown.TotalSeconds,
            artifact.ScaleDownAfter ?? existing?.ScaleDownAfter,
            artifact.Prediction ?? existing?.Prediction);
        var result = existing is null
            ? await autoscaling.CreatePolicyAsync(input, cancellationToken)
            : await autoscaling.UpdatePolicyAsync(artifact.Name, input, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure;
        }

        mapped.Add($"id {artifact.Name} → autoscaling policy '{artifact.Name}' ({(existing is null ? "created" : "its thresholds updated")})");
        if (artifact.RequestsInFlight is { } requests)
        {
            mapped.Add($"loadThresholds.requestsInFlight.threshold {requests} → {requests} requests in flight per member");
        }

        if (artifact.MemoryPercent is { } memory)
        {
            mapped.Add($"loadThresholds.memoryConsumption.threshold {memory} → memory {memory} % of a member's limit");
        }

        if (artifact.CpuPercent is { } cpu)
        {
            mapped.Add($"loadThresholds.loadAverage.threshold {cpu} → CPU {cpu} % of a member's limit");
        }

        return null;
    }

    private async Task<Failure?> ImportAsync(StratosNetworkPartition artifact, List<string> mapped, List<string> warnings, CancellationToken cancellationToken)
    {
        if (!DnsLabel.IsValid(artifact.Name, 2, 40))
        {
            return Failure.Validation("id", $"'{artifact.Name}': a network partition's id must be 2 to 40 lowercase letters, digits and single hyphens, starting with a letter.");
        }

        if (!await db.NetworkPartitions.AnyAsync(n => n.Name == artifact.Name, cancellationToken))
        {
            db.NetworkPartitions.Add(new NetworkPartition { Name = artifact.Name, CreatedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
            mapped.Add($"id {artifact.Name} → network partition '{artifact.Name}' (created)");
        }
        else
        {
            mapped.Add($"id {artifact.Name} → network partition '{artifact.Name}' (exists)");
        }

        foreach (var partition in artifact.Partitions)
        {
            if (await partitions.FindAsync(partition.Id, cancellationToken) is { } existing)
            {
                mapped.Add($"partition {partition.Id} → partition '{existing.Name}' exists already (engine {existing.Endpoint}): kept as it is.");
            }
            else if (partition.Endpoint is { } endpoint)
            {
                var added = await partitions.AddAsync(partition.Id, artifact.Name, endpoint, partition.TlsCertificateDirectory, cancellationToken);
                if (!added.Succeeded)
                {
                    return added.Failure;
                }

                mapped.Add($"partition {partition.Id} → partition '{partition.Id}' on the Docker engine {endpoint} (added)");
            }
            else
            {
                warnings.Add($"partition {partition.Id}: names no Docker engine ({artifact.Provider ?? "no"} provider), so it is not created; " +
                             $"deployment policies naming it use the partition '{PartitionCatalogue.LocalName}'. " +
                             $"Give it a property '{StratosNetworkPartition.EndpointProperty}' (e.g. tcp://host:2376) to add it on that engine.");
            }
        }

        return null;
    }

    private async Task<Failure?> ImportAsync(StratosDeploymentPolicy artifact, List<string> mapped, List<string> warnings, CancellationToken cancellationToken)
    {
        var known = (await partitions.ListAsync(cancellationToken)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var rows = new List<(string Partition, int MaxMembers, bool Burst)>();
        var explicitBurst = artifact.NetworkPartitions.SelectMany(n => n.Partitions).Any(p => p.Burst is not null);
        var first = true;
        foreach (var network in artifact.NetworkPartitions)
        {
            foreach (var (id, max, burstFlag) in network.Partitions)
            {
                var burst = explicitBurst ? burstFlag == true : !first;
                var name = known.Contains(id) ? id : PartitionCatalogue.LocalName;
                if (name != id)
                {
                    warnings.Add($"partition {id}: not a partition of this portal (it names no Docker engine); its members run on '{name}'.");
                }

                var cap = Math.Clamp(max ?? ApplicationRules.MaxMembersLimit, 1, ApplicationRules.MaxMembersLimit);
                if (max is { } asked && asked != cap)
                {
                    warnings.Add($"partition {id}: partitionMax {asked} is limited to {cap}.");
                }

                if (rows.FindIndex(r => r.Partition == name) is var index and >= 0)
                {
                    warnings.Add($"partition {id}: '{name}' is in the policy already (cap {rows[index].MaxMembers}); not added twice.");
                    continue;
                }

                rows.Add((name, cap, burst));
                mapped.Add($"{network.Id} / {id} (partitionMax {max?.ToString(CultureInfo.InvariantCulture) ?? "none"}) → partition '{name}', at most {cap} members"
                           + (burst ? ", for bursting (used once the partitions before it are full)" : ""));
            }

            first = false;
        }

        var algorithm = artifact.NetworkPartitions.Count > 0 ? artifact.NetworkPartitions[0].Algorithm : PartitionAlgorithm.RoundRobin;
        var result = await partitions.SetPolicyAsync(artifact.Name, algorithm, [.. rows.Select(r => new PolicySlot(r.Partition, r.MaxMembers, r.Burst))], cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure;
        }

        mapped.Insert(0, $"id {artifact.Name} → deployment policy '{artifact.Name}', {StratosArtifacts.AlgorithmName(algorithm)}");
        return null;
    }

    private async Task<Failure?> ImportAsync(StratosCartridgeGroup artifact, List<string> mapped, CancellationToken cancellationToken)
    {
        if (!DnsLabel.IsValid(artifact.Name, 2, 40))
        {
            return Failure.Validation("name", $"'{artifact.Name}': a cartridge group's name must be 2 to 40 lowercase letters, digits and single hyphens, starting with a letter.");
        }

        var catalogue = await db.Cartridges.Select(c => c.Name).ToListAsync(cancellationToken);
        if (artifact.Cartridges.Where(c => !catalogue.Contains(c)).ToList() is { Count: > 0 } missing)
        {
            return Failure.Validation("cartridges", $"{string.Join(", ", missing.Select(m => $"'{m}'"))} {(missing.Count == 1 ? "is" : "are")} not in the catalogue: import or register {(missing.Count == 1 ? "it" : "them")} first.");
        }

        if (artifact.Cartridges.Count == 0)
        {
            return Failure.Validation("cartridges", "A cartridge group names at least one cartridge.");
        }

        var group = await db.CartridgeGroups.SingleOrDefaultAsync(g => g.Name == artifact.Name, cancellationToken);
        var created = group is null;
        if (group is null)
        {
            group = new CartridgeGroup { Name = artifact.Name, CreatedAt = clock.GetUtcNow() };
            db.CartridgeGroups.Add(group);
        }

        group.Cartridges = [.. artifact.Cartridges.Distinct(StringComparer.Ordinal)];
        group.StartupOrders = [.. artifact.StartupOrders.Select(CartridgeGroup.Order)];
        await db.SaveChangesAsync(cancellationToken);
        mapped.Add($"name {artifact.Name} → cartridge group '{artifact.Name}' ({(created ? "created" : "updated")}) of {string.Join(", ", group.Cartridges)}");
        mapped.AddRange(artifact.StartupOrders.Select(o =>
            $"startup order {string.Join(" → ", o)} → each application starts once the one before it has an Active member"));
        return null;
    }

    private async Task<Failure?> ImportAsync(StratosApplicationPolicy artifact, List<string> mapped, List<string> warnings, CancellationToken cancellationToken)
    {
        var networks = await db.NetworkPartitions.Select(n => n.Name).ToListAsync(cancellationToken);
        foreach (var missing in artifact.NetworkPartitions.Where(n => !networks.Contains(n)))
        {
            warnings.Add($"networkPartitions: '{missing}' is not a network partition of this portal (import it first).");
        }

        mapped.Add($"id {artifact.Name} → nothing stored: the portal spreads members by deployment policies " +
                   $"({(artifact.Algorithm is { } algorithm ? StratosArtifacts.AlgorithmName(algorithm) + " over " : "")}" +
                   $"{string.Join(", ", artifact.NetworkPartitions)} is what a deployment policy listing those network partitions does; its later ones burst).");
        return null;
    }

    private async Task<Failure?> ImportAsync(StratosApplication artifact, List<string> mapped, List<string> warnings, CancellationToken cancellationToken)
    {
        if (artifact.Subscriptions.Count == 0)
        {
            return Failure.Validation("components", "The application subscribes to no cartridge.");
        }

        var groupNames = artifact.Groups.Select(g => g.Group).Distinct().ToList();
        var groups = await db.CartridgeGroups.AsNoTracking().Where(g => groupNames.Contains(g.Name)).ToDictionaryAsync(g => g.Name, cancellationToken);
        if (groupNames.Where(g => !groups.ContainsKey(g)).ToList() is { Count: > 0 } undefined)
        {
            return Failure.Validation("components.groups", $"The cartridge group {string.Join(", ", undefined.Select(g => $"'{g}'"))} is not defined: import it first.");
        }

        foreach (var subscription in artifact.Subscriptions.Where(s => s.Group is { } g && !groups[g].Cartridges.Contains(s.Cartridge)))
        {
            warnings.Add($"{subscription.Alias}: the group '{subscription.Group}' does not hold the cartridge '{subscription.Cartridge}'; it is created all the same.");
        }

        if (artifact.Subscriptions.GroupBy(s => s.Alias).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return Failure.Validation("components", $"Two subscriptions are named '{twice.Key}': each alias names one application.");
        }

        // Stratos shared a data cartridge's address and credentials with the others through metadata; here that is a
        // link, so data applications are created first.
        var categories = await db.Cartridges.ToDictionaryAsync(c => c.Name, c => c.Category, cancellationToken);
        var data = artifact.Subscriptions.Where(s => categories.GetValueOrDefault(s.Cartridge) == CartridgeCategory.Data).ToList();
        var startAfter = artifact.StartAfter(groups, warnings);

        // A framework uses the database it names (dependencyAliases), else the only one it starts after.
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var subscription in artifact.Subscriptions.Where(s => !data.Contains(s)))
        {
            var named = data.Where(d => subscription.DependsOn.Contains(d.Alias)).ToList();
            var before = data.Where(d => startAfter[subscription.Alias].Contains(d.Alias)).ToList();
            if ((named.Count > 0 ? named : before) is { Count: 1 } only)
            {
                links[subscription.Alias] = only[0].Alias;
            }
        }

        var dependencies = startAfter.ToDictionary(p => p.Key,
            p => (IReadOnlyList<string>)[.. p.Value.Concat(links.TryGetValue(p.Key, out var link) ? [link] : []).Distinct()], StringComparer.Ordinal);
        var order = StartupOrder([.. artifact.Subscriptions.OrderBy(s => data.Contains(s) ? 0 : 1)], dependencies);
        if (order is null)
        {
            return Failure.Validation("dependencies", "The startup orders go round in a circle: no application could start first.");
        }
        foreach (var subscription in order)
        {
            var isData = data.Contains(subscription);
            var min = subscription.Min ?? 1;
            var max = Math.Max(subscription.Max ?? min, min);
            var autoscalingPolicy = subscription.AutoscalingPolicy;
            if (isData)
            {
                if (min != 1 || max != 1)
                {
                    warnings.Add($"{subscription.Alias}: cartridgeMin {min} / cartridgeMax {max} → 1 member (a data application's data lives on one volume).");
                }

                (min, max) = (1, 1);
                if (autoscalingPolicy is not null)
                {
                    warnings.Add($"{subscription.Alias}: autoscalingPolicy '{autoscalingPolicy}' ignored (a data application is not autoscaled).");
                    autoscalingPolicy = null;
                }
            }

            var link = links.GetValueOrDefault(subscription.Alias);
            var created = await applications.CreateAsync(
                new CreateApplication(subscription.Alias, subscription.Cartridge, min, max, link is null ? null : [link],
                    subscription.DeploymentPolicy, AutoscalingPolicy: autoscalingPolicy, StartAfter: startAfter[subscription.Alias]),
                cancellationToken);
            if (!created.Succeeded)
            {
                var failure = created.Failure!;
                return failure with { Message = $"{subscription.Alias}: {failure.Message}" };
            }

            var parts = new List<string> { min == max ? $"{min} member{(min == 1 ? "" : "s")}" : $"{min} to {max} members" };
            if (autoscalingPolicy is not null)
            {
                parts.Add($"autoscaled by '{autoscalingPolicy}'");
            }

            parts.Add($"deployment policy '{created.Value!.DeploymentPolicy}'");
            if (startAfter[subscription.Alias].Count > 0)
            {
                parts.Add($"starts after {string.Join(", ", startAfter[subscription.Alias])}");
            }

            if (link is not null)
            {
                parts.Add($"linked to {link}'s database (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DATABASE_URL)");
            }

            mapped.Add($"{(subscription.Group is { } g ? g + " / " : "")}{subscription.Alias} ({subscription.Cartridge}) → application '{subscription.Alias}': {string.Join(", ", parts)}");
            if (subscription.RepositoryUrl is { } repository)
            {
                warnings.Add($"{subscription.Alias}: artifactRepository {repository} is not linked: link it on the application's page to deploy it (the portal then fetches it and deploys every push).");
            }
        }

        foreach (var unlinked in artifact.Subscriptions.Where(s => !data.Contains(s) && !links.ContainsKey(s.Alias) && data.Count > 0))
        {
            warnings.Add($"{unlinked.Alias}: linked to no database (it neither names one in dependencyAliases nor starts after exactly one); link it on its page if it uses one.");
        }

        return null;
    }

    /// <summary>The subscriptions in an order where each comes after those it starts after; null for a cycle.</summary>
    internal static IReadOnlyList<StratosSubscription>? StartupOrder(
        IReadOnlyList<StratosSubscription> subscriptions, IReadOnlyDictionary<string, IReadOnlyList<string>> startAfter)
    {
        var placed = new List<StratosSubscription>();
        var left = subscriptions.ToList();
        while (left.Count > 0)
        {
            var ready = left.FirstOrDefault(s => startAfter[s.Alias].All(a => placed.Any(p => p.Alias == a)));
            if (ready is null)
            {
                return null;
            }

            placed.Add(ready);
            left.Remove(ready);
        }

        return placed;
    }
}
