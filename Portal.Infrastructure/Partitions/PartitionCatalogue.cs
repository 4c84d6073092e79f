using Docker.DotNet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Common;
using Portal.Core.Partitions;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Partitions;

/// <summary>A partition with what the portal last saw of its engine.</summary>
public sealed record PartitionView(Guid Id, string Name, string NetworkPartition, string Endpoint, string? TlsCertificateDirectory, PartitionStatus? Status);

/// <summary>A deployment policy with its partitions named, in order.</summary>
public sealed record DeploymentPolicyView(string Name, PartitionAlgorithm Algorithm, IReadOnlyList<PolicyPartitionView> Partitions);

/// <summary>One partition of a deployment policy, by name.</summary>
public sealed record PolicyPartitionView(string Partition, int MaxMembers, bool Burst);

/// <summary>A network partition and the partitions it holds, by name.</summary>
public sealed record NetworkPartitionView(string Name, IReadOnlyList<string> Partitions);

/// <summary>
/// The Docker engines members run on, and the deployment policies that spread members over them. The local engine
/// (<c>Portal:Docker:Endpoint</c>) is the partition <c>local</c>, in the network partition <c>local</c>, used by the
/// policy <c>default</c>; platform admins add more.
/// </summary>
public sealed class PartitionCatalogue(
    PortalDbContext db,
    DockerEngines engines,
    PartitionMonitor monitor,
    IOptions<DockerOptions> docker,
    TimeProvider clock)
{
    public const string LocalName = "local";

    public async Task<IReadOnlyList<PartitionView>> ListAsync(CancellationToken cancellationToken) =>
        await ViewsAsync(db.Partitions, cancellationToken);

    /// <summary>One partition by name, or null.</summary>
    public async Task<PartitionView?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ViewsAsync(db.Partitions.Where(p => p.Name == name), cancellationToken)).SingleOrDefault();

    /// <summary>The partitions (oldest first) with their network partition's name and what the portal last saw of their engines.</summary>
    private async Task<List<PartitionView>> ViewsAsync(IQueryable<Partition> partitions, CancellationToken cancellationToken) =>
        [.. (await (from p in partitions.AsNoTracking()
                    join n in db.NetworkPartitions.AsNoTracking() on p.NetworkPartitionId equals n.Id
                    orderby p.CreatedAt
                    select new { Partition = p, Network = n.Name }).ToListAsync(cancellationToken))
            .Select(x => new PartitionView(x.Partition.Id, x.Partition.Name, x.Network, x.Partition.Endpoint,
                x.Partition.TlsCertificateDirectory, monitor.StatusOf(x.Partition.Id)))];

    /// <summary>Every deployment policy, by name, with its partitions named in their order.</summary>
    public async Task<IReadOnlyList<DeploymentPolicyView>> ListPoliciesAsync(CancellationToken cancellationToken)
    {
        var names = await db.Partitions.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var policies = await db.DeploymentPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        return [.. policies.Select(p => ViewOf(p, names))];
    }

    /// <summary>Adds a partition (and its network partition when new). It is used once a deployment policy names it.</summary>
    public async Task<Result<PartitionView>> AddAsync(string name, string networkPartition, string endpoint, string? tlsCertificateDirectory, CancellationToken cancellationToken)
    {
        tlsCertificateDirectory = string.IsNullOrWhiteSpace(tlsCertificateDirectory) ? null : tlsCertificateDirectory.Trim();
        if (Check(name, networkPartition, endpoint, tlsCertificateDirectory) is { } invalid)
        {
            return invalid;
        }

        if (await db.Partitions.AnyAsync(p => p.Name == name, cancellationToken))
        {
            return Failure.Conflict("name", $"A partition named '{name}' exists already.");
        }

        if (await SameEngineAsync(endpoint, null, cancellationToken) is { } same)
        {
            return same;
        }

        var network = await NetworkAsync(networkPartition, cancellationToken);
        var partition = new Partition
        {
            Name = name, Endpoint = endpoint, TlsCertificateDirectory = tlsCertificateDirectory,
            NetworkPartitionId = network.Id, CreatedAt = clock.GetUtcNow(),
        };
        db.Partitions.Add(partition);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Partitions.AnyAsync(p => p.Name == name, cancellationToken)
                ? Failure.Conflict("name", $"A partition named '{name}' exists already.")
                : Failure.Conflict("networkPartition", $"The network partition '{networkPartition}' was changed by someone else meanwhile; try again.");
        }

        return new PartitionView(partition.Id, partition.Name, network.Name, partition.Endpoint, partition.TlsCertificateDirectory, null);
    }

    /// <summary>
    /// Changes a partition's network partition, endpoint or TLS certificate folder. The endpoint changes only while no
    /// member runs there (their containers are on the engine it names); <c>local</c> follows the portal's configuration.
    /// </summary>
    public async Task<Result<PartitionView>> UpdateAsync(string name, string? networkPartition, string endpoint, string? tlsCertificateDirectory, CancellationToken cancellationToken)
    {
        var partition = await db.Partitions.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (partition is null)
        {
            return Failure.NotFound($"There is no partition named '{name}'.");
        }

        // Not given: it stays in its network partition.
        networkPartition ??= await db.NetworkPartitions.Where(n => n.Id == partition.NetworkPartitionId).Select(n => n.Name).SingleAsync(cancellationToken);

        if (partition.Name == LocalName)
        {
            return Failure.Conflict("name", $"'{LocalName}' is the portal's own engine: it follows Portal:Docker:Endpoint and is changed there.");
        }

        tlsCertificateDirectory = string.IsNullOrWhiteSpace(tlsCertificateDirectory) ? null : tlsCertificateDirectory.Trim();
        if (Check(name, networkPartition, endpoint, tlsCertificateDirectory) is { } invalid)
        {
            return invalid;
        }

        if (!SameEngine(partition.Endpoint, endpoint))
        {
            if (await SameEngineAsync(endpoint, partition.Id, cancellationToken) is { } same)
            {
                return same;
            }

            var running = await ApplicationsOnAsync(partition.Id, cancellationToken);
            if (running.Count > 0)
            {
                return Failure.Conflict("endpoint",
                    $"{ApplicationUsers.Listed(running)} have members or data on {partition.Endpoint}; the endpoint changes once none has (members move when no deployment policy names '{name}'; a database's data stays until its application is deleted).");
            }
        }

        var network = await NetworkAsync(networkPartition, cancellationToken);
        partition.NetworkPartitionId = network.Id;
        partition.Endpoint = endpoint;
        partition.TlsCertificateDirectory = tlsCertificateDirectory;
        if (await SavedAsync(cancellationToken) is { } raced)
        {
            return raced;
        }

        monitor.Forget(partition.Id); // what was seen was of the old endpoint; the next round asks the new one
        return (await FindAsync(name, cancellationToken))!;
    }

    /// <summary>
    /// Deletes a partition no deployment policy names and no member runs on, refused with those that do; <c>local</c>
    /// stays. Its network partition goes with it when it held nothing else. Members it once ran keep their history.
    /// </summary>
    public async Task<Result<string>> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var partition = await db.Partitions.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (partition is null)
        {
            return Failure.NotFound($"There is no partition named '{name}'.");
        }

        if (partition.Name == LocalName)
        {
            return Failure.Conflict("name", $"'{LocalName}' is the portal's own engine; it stays.");
        }

        var policies = (await db.DeploymentPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken))
            .Where(p => p.Partitions.Any(s => s.PartitionId == partition.Id)).Select(p => p.Name).ToList();
        var running = await ApplicationsOnAsync(partition.Id, cancellationToken);
        if (policies.Count > 0 || running.Count > 0)
        {
            var uses = new[]
            {
                policies.Count > 0 ? $"the deployment policies {ApplicationUsers.Listed(policies)} name it (take it out of them)" : null,
                running.Count > 0 ? $"{ApplicationUsers.Listed(running)} have members or data on it (they move when no policy names it; data stays until its application is deleted)" : null,
            };
            return Failure.Conflict("name", $"'{name}' is in use: {string.Join("; ", uses.OfType<string>())}.");
        }

        db.Partitions.Remove(partition);
        if (partition.NetworkPartitionId is var networkId
            && !await db.Partitions.AnyAsync(p => p.NetworkPartitionId == networkId && p.Id != partition.Id, cancellationToken)
            && await db.NetworkPartitions.SingleAsync(n => n.Id == networkId, cancellationToken) is { Name: not LocalName } network)
        {
            db.NetworkPartitions.Remove(network);
        }

        if (await SavedAsync(cancellationToken) is { } raced)
        {
            return raced;
        }

        monitor.Forget(partition.Id);
        return name;
    }

    /// <summary>Every network partition with its partitions' names.</summary>
    public async Task<IReadOnlyList<NetworkPartitionView>> ListNetworkPartitionsAsync(CancellationToken cancellationToken)
    {
        var partitions = await db.Partitions.AsNoTracking().OrderBy(p => p.CreatedAt).Select(p => new { p.NetworkPartitionId, p.Name }).ToListAsync(cancellationToken);
        return [.. (await db.NetworkPartitions.AsNoTracking().OrderBy(n => n.Name).ToListAsync(cancellationToken))
            .Select(n => new NetworkPartitionView(n.Name, [.. partitions.Where(p => p.NetworkPartitionId == n.Id).Select(p => p.Name)]))];
    }

    /// <summary>Deletes a network partition that holds no partition (refused with those it holds); <c>local</c> stays.</summary>
    public async Task<Result<string>> DeleteNetworkPartitionAsync(string name, CancellationToken cancellationToken)
    {
        var network = await db.NetworkPartitions.SingleOrDefaultAsync(n => n.Name == name, cancellationToken);
        if (network is null)
        {
            return Failure.NotFound($"There is no network partition named '{name}'.");
        }

        if (network.Name == LocalName)
        {
            return Failure.Conflict("name", $"'{LocalName}' holds the portal's own engine; it stays.");
        }

        var held = await db.Partitions.Where(p => p.NetworkPartitionId == network.Id).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(cancellationToken);
        if (held.Count > 0)
        {
            return Failure.Conflict("name", $"'{name}' holds the partitions {ApplicationUsers.Listed(held)}. Delete them or move them to another network partition first.");
        }

        db.NetworkPartitions.Remove(network);
        return await SavedAsync(cancellationToken) is { } raced ? raced : name;
    }

    /// <summary>Saves; a change that raced another admin's (a network partition made or deleted meanwhile) is a conflict, not an error.</summary>
    private async Task<Failure?> SavedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Failure.Conflict("name", "Another admin changed the partitions meanwhile; look again and retry.");
        }
    }

    private static Failure? Check(string name, string networkPartition, string endpoint, string? tlsCertificateDirectory)
    {
        var errors = new Dictionary<string, string[]>(PartitionRules.Validate(name, endpoint, tlsCertificateDirectory));
        if (!DnsLabel.IsValid(networkPartition, 2, 40))
        {
            errors["networkPartition"] = ["Use 2 to 40 lowercase letters, digits and single hyphens, starting with a letter."];
        }

        if (tlsCertificateDirectory is not null && !errors.ContainsKey("tlsCertificateDirectory")
            && new[] { "ca.pem", "cert.pem", "key.pem" }.Where(f => !File.Exists(Path.Combine(tlsCertificateDirectory, f))).ToList() is { Count: > 0 } missing)
        {
            errors["tlsCertificateDirectory"] = [$"{tlsCertificateDirectory} lacks {string.Join(", ", missing)} (the portal reads the engine's CA and its client certificate and key from there)."];
        }

        return errors.Count > 0 ? new Failure(FailureKind.Validation, "The partition is not valid.", errors) : null;
    }

    /// <summary>Two partitions on one engine would each see the other's members as strangers and remove them.</summary>
    private async Task<Failure?> SameEngineAsync(string endpoint, Guid? except, CancellationToken cancellationToken)
    {
        var endpoints = await db.Partitions.AsNoTracking().Where(p => p.Id != except).Select(p => new { p.Name, p.Endpoint }).ToListAsync(cancellationToken);
        return endpoints.FirstOrDefault(p => SameEngine(p.Endpoint, endpoint)) is { } same
            ? Failure.Conflict("endpoint", $"Partition '{same.Name}' is that engine already.")
            : null;
    }

    private async Task<NetworkPartition> NetworkAsync(string name, CancellationToken cancellationToken)
    {
        var network = await db.NetworkPartitions.SingleOrDefaultAsync(n => n.Name == name, cancellationToken);
        if (network is null)
        {
            network = new NetworkPartition { Name = name, CreatedAt = clock.GetUtcNow() };
            db.NetworkPartitions.Add(network);
        }

        return network;
    }

    /// <summary>
    /// Every tenant's applications with something on the partition's engine: a member that runs or is about to (a
    /// faulted one's container is removed by the reconciler) or a data application's volume.
    /// </summary>
    private Task<List<string>> ApplicationsOnAsync(Guid partitionId, CancellationToken cancellationToken) =>
        db.ApplicationsAcrossTenantsAsync(
            a => a.DataPartitionId == partitionId
                 || db.Members.Any(m => m.ApplicationId == a.Id && m.PartitionId == partitionId
                                        && m.State != MemberState.Terminated && m.State != MemberState.Faulted), cancellationToken);


    private static bool SameEngine(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y)
            ? string.Equals(Normalized(x), Normalized(y), StringComparison.Ordinal)
            : string.Equals(a, b, StringComparison.Ordinal);

    private static string Normalized(Uri endpoint) =>
        endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped).TrimEnd('/');

    /// <summary>Asks the partition's engine for its version: the "test connection" of the admin console.</summary>
    public async Task<PartitionStatus> TestAsync(Guid partitionId, CancellationToken cancellationToken)
    {
        var partition = await db.Partitions.AsNoTracking().SingleAsync(p => p.Id == partitionId, cancellationToken);
        var status = await ProbeAsync(engines, partition, clock, cancellationToken);
        monitor.Report(partition.Id, status);
        return status;
    }

    /// <summary>Sets which partitions a deployment policy uses, in order, with their caps and burst flags.</summary>
    public async Task<Result<DeploymentPolicyView>> SetPolicyAsync(string name, PartitionAlgorithm algorithm, IReadOnlyList<PolicySlot> partitions, CancellationToken cancellationToken)
    {
        var known = await db.Partitions.AsNoTracking().ToDictionaryAsync(p => p.Name, p => p.Id, cancellationToken);
        var errors = DeploymentPolicyRules.Validate(name, algorithm, partitions, known.Keys);
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Validation, "The deployment policy is not valid.", errors);
        }

        var policy = await db.DeploymentPolicies.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (policy is null)
        {
            policy = new DeploymentPolicy { Name = name, CreatedAt = clock.GetUtcNow() };
            db.DeploymentPolicies.Add(policy);
        }

        policy.Algorithm = algorithm;
        policy.Partitions = [.. partitions.Select(p => new PolicyPartition { PartitionId = known[p.Partition!], MaxMembers = p.MaxMembers, Burst = p.Burst })];
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Entry(policy).State == EntityState.Added)
        {
            return Failure.Conflict("name", $"A deployment policy named '{name}' was created meanwhile; try again.");
        }

        return ViewOf(policy, known.ToDictionary(p => p.Value, p => p.Key));
    }

    /// <summary>Deletes a deployment policy no application is placed by; one in use is refused with those applications. The default stays.</summary>
    public async Task<Result<string>> DeletePolicyAsync(string name, CancellationToken cancellationToken)
    {
        var policy = await db.DeploymentPolicies.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (policy is null)
        {
            return Failure.NotFound($"There is no deployment policy named '{name}'.");
        }

        if (policy.Name == DeploymentPolicy.DefaultName)
        {
            return Failure.Conflict("name", $"'{name}' is the policy applications get when they name none; it stays.");
        }

        // Every tenant's applications: only platform admins delete policies.
        var users = await db.ApplicationsAcrossTenantsAsync(a => a.DeploymentPolicyId == policy.Id, cancellationToken);
        if (users.Count > 0)
        {
            return Failure.Conflict("name", $"'{name}' places {users.Count} application(s): {string.Join(", ", users.Take(20))}. Delete them first.");
        }

        db.DeploymentPolicies.Remove(policy);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Failure.Conflict("name", $"An application was created with '{name}' meanwhile; delete it first.");
        }

        return name;
    }

    private static DeploymentPolicyView ViewOf(DeploymentPolicy policy, IReadOnlyDictionary<Guid, string> partitionNames) =>
        new(policy.Name, policy.Algorithm,
            [.. policy.Partitions.Select(p => new PolicyPartitionView(partitionNames.GetValueOrDefault(p.PartitionId, "?"), p.MaxMembers, p.Burst))]);

    internal static async Task<PartitionStatus> ProbeAsync(DockerEngines engines, Partition partition, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var version = await engines.For(partition.Endpoint, partition.TlsCertificateDirectory).System.GetVersionAsync(timeout.Token);
            return new PartitionStatus(true, $"Docker {version.Version} (API {version.APIVersion})", clock.GetUtcNow());
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsUnreachable(e))
        {
            return new PartitionStatus(false, Unreachable(partition, e), clock.GetUtcNow());
        }
    }

    internal static bool IsUnreachable(Exception e) =>
        e is HttpRequestException or IOException or TimeoutException or OperationCanceledException or DockerApiException
            or System.Net.Sockets.SocketException or System.Security.Cryptography.CryptographicException
            or System.Security.Authentication.AuthenticationException or UnauthorizedAccessException;

    internal static string Unreachable(Partition partition, Exception e) => e switch
    {
        OperationCanceledException or TimeoutException => $"{partition.Endpoint} did not answer within 5 s.",
        System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException
            => $"The TLS certificates in {partition.TlsCertificateDirectory} cannot be read: {e.Message}",
        _ when partition.Endpoint.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(new Uri(partition.Endpoint).LocalPath)
            => $"{partition.Endpoint} cannot be reached: the socket {new Uri(partition.Endpoint).LocalPath} does not exist (is the engine running?).",
        _ => $"{partition.Endpoint} cannot be reached: {e.GetBaseException().Message}",
    };

    /// <summary>The local network partition, partition and default policy (at start-up); the local partition follows the configured endpoint.</summary>
    internal async Task SeedAsync(CancellationToken cancellationToken)
    {
        var network = await db.NetworkPartitions.SingleOrDefaultAsync(n => n.Name == LocalName, cancellationToken);
        if (network is null)
        {
            network = new NetworkPartition { Name = LocalName, CreatedAt = clock.GetUtcNow() };
            db.NetworkPartitions.Add(network);
        }

        var local = await db.Partitions.SingleOrDefaultAsync(p => p.Name == LocalName, cancellationToken);
        if (local is null)
        {
            local = new Partition { Name = LocalName, Endpoint = docker.Value.Endpoint, NetworkPartitionId = network.Id, CreatedAt = clock.GetUtcNow() };
            db.Partitions.Add(local);
        }

        local.Endpoint = docker.Value.Endpoint;
        if (!await db.DeploymentPolicies.AnyAsync(p => p.Name == DeploymentPolicy.DefaultName, cancellationToken))
        {
            db.DeploymentPolicies.Add(new DeploymentPolicy
            {
                Name = DeploymentPolicy.DefaultName,
                Algorithm = PartitionAlgorithm.RoundRobin,
                Partitions = [new PolicyPartition { PartitionId = local.Id, MaxMembers = ApplicationRules.MaxMembersLimit }],
                CreatedAt = clock.GetUtcNow(),
            });
        }

        if (!await db.Installations.AnyAsync(cancellationToken))
        {
            db.Installations.Add(new Installation { CreatedAt = clock.GetUtcNow() });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
