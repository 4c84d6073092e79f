using System.Formats.Tar;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Cartridges;

namespace Portal.Infrastructure.Docker;

/// <summary>
/// Members as Docker containers on one engine. Every container is hardened: no privileged mode, all
/// capabilities dropped, no privilege gain, CPU, memory and pids limits, its port published on 127.0.0.1 only,
/// never the Docker socket. Members of a tenant share that tenant's own bridge network.
/// Containers carry the portal installation's id, so two portals (or test runs) on one engine never touch each
/// other's containers.
/// </summary>
public sealed class DockerContainerRuntime(IDockerClient docker, Guid installationId) : IContainerRuntime
{
    public const string InstallationLabel = "portal.installation";
    public const string EngineLabel = "portal.engine";
    public const string TenantLabel = "portal.tenant";
    public const string ApplicationLabel = "portal.application";
    public const string ClusterLabel = "portal.cluster";
    public const string MemberLabel = "portal.member";
    public const long PidsLimit = 256;

    public static string NetworkOf(Guid tenantId) => $"portal-tenant-{tenantId:N}";

    public static string VolumeOf(Guid tenantId, Guid applicationId) => $"portal-data-{tenantId:N}-{applicationId:N}";

    public async Task<ObservedContainer> StartAsync(MemberSpec spec, CancellationToken cancellationToken)
    {
        Check(spec);
        var network = await EnsureTenantNetworkAsync(spec.TenantId, cancellationToken);
        var port = $"{spec.ContainerPort}/tcp";
        var labels = new Dictionary<string, string>
        {
            [InstallationLabel] = installationId.ToString(),
            [TenantLabel] = spec.TenantId.ToString(),
            [ApplicationLabel] = spec.ApplicationId.ToString(),
            [ClusterLabel] = spec.ClusterId.ToString(),
            [MemberLabel] = spec.MemberId.ToString(),
        };
        var mounts = new List<Mount>();
        if (spec.PersistencePath is { } path)
        {
            var volume = await EnsureVolumeAsync(spec, cancellationToken);
            mounts.Add(new Mount { Type = "volume", Source = volume, Target = path });
        }

        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"portal-{spec.MemberId:N}",
            Image = spec.Image,
            Labels = labels,
            Env = [.. spec.Environment.Select(e => $"{e.Key}={e.Value}")],
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                Privileged = false,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                PidsLimit = PidsLimit,
                Memory = spec.MemoryLimitMb * 1024L * 1024L,
                MemorySwap = spec.MemoryLimitMb * 1024L * 1024L,
                NanoCPUs = (long)(spec.CpuLimit * 1e9),
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [port] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "" }],
                },
                Mounts = mounts,
                NetworkMode = network,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "2" } },
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [network] = new() { Aliases = spec.NetworkAlias is { } alias ? [alias] : [] },
                },
            },
        }, cancellationToken);

        try
        {
            await PutFilesAsync(created.ID, spec.Files, cancellationToken);
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        }
        catch
        {
            await RemoveAsync(created.ID, TimeSpan.Zero, CancellationToken.None);
            throw;
        }

        var inspected = await docker.Containers.InspectContainerAsync(created.ID, cancellationToken);
        return new ObservedContainer(created.ID, spec.TenantId, spec.ApplicationId, spec.ClusterId, spec.MemberId,
            inspected.State.Running, PublishedPort(inspected.NetworkSettings?.Ports, spec.ContainerPort));
    }

    public async Task<IReadOnlyList<ObservedContainer>> ListAsync(CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = OwnedByThisInstallation(),
        }, cancellationToken);

        return
        [
            .. containers.Select(c => new ObservedContainer(
                c.ID,
                ParseLabel(c.Labels, TenantLabel),
                ParseLabel(c.Labels, ApplicationLabel),
                ParseLabel(c.Labels, ClusterLabel),
                ParseLabel(c.Labels, MemberLabel),
                c.State == "running",
                c.Ports?.FirstOrDefault(p => p.IP == "127.0.0.1" && p.PublicPort > 0)?.PublicPort)),
        ];
    }

    public async Task<IReadOnlyList<ObservedVolume>> ListVolumesAsync(CancellationToken cancellationToken)
    {
        var volumes = await docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = OwnedByThisInstallation(),
        }, cancellationToken);
        return [.. (volumes.Volumes ?? []).Select(v => new ObservedVolume(v.Name, ParseLabel(v.Labels, TenantLabel), ParseLabel(v.Labels, ApplicationLabel)))];
    }

    /// <summary>
    /// What tells this engine from every other, for this installation: a random id kept on an empty volume the
    /// engine holds. Two endpoints that answer with the same id are one engine (the engine's own ID is no proof:
    /// daemons sharing a host, or cloned machines, share it).
    /// </summary>
    public async Task<string> EngineIdentityAsync(CancellationToken cancellationToken)
    {
        var name = $"portal-engine-{installationId:N}";
        await docker.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = name, // creating it again changes nothing: it keeps the labels of its first creation
            Labels = new Dictionary<string, string> { [EngineLabel] = Guid.NewGuid().ToString() },
        }, cancellationToken);
        return (await docker.Volumes.InspectAsync(name, cancellationToken)).Labels[EngineLabel];
    }

    public async Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Volumes.RemoveAsync(name, force: false, cancellationToken);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return false; // a container still uses it
        }
    }

    public async Task RemoveUnusedNetworksAsync(IReadOnlySet<Guid> tenantsInUse, CancellationToken cancellationToken)
    {
        var networks = await docker.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = OwnedByThisInstallation(),
        }, cancellationToken);
        foreach (var network in networks.Where(n => !tenantsInUse.Contains(ParseLabel(n.Labels, TenantLabel))))
        {
            try
            {
                await docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Conflict)
            {
                // Gone already, or a container still uses it: the next pass looks again.
            }
        }
    }

    public async Task RemoveAsync(string containerId, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            if (grace > TimeSpan.Zero)
            {
                await docker.Containers.StopContainerAsync(containerId,
                    new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds) }, cancellationToken);
            }

            // Anonymous volumes (an image's VOLUME without the application's own volume) go with the container.
            await docker.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // Gone already: that is what was asked.
        }
    }

    public async Task<IReadOnlyList<string>> LogsAsync(string containerId, int tail, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        if (tail == 0)
        {
            return [];
        }

        try
        {
            using var stream = await docker.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Tail = tail.ToString(CultureInfo.InvariantCulture),
            }, cancellationToken);

            // Frames of both streams in the order the engine logged them (lines written close together may swap).
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            while (await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken) is { EOF: false } read)
            {
                output.Write(buffer, 0, read.Count);
            }

            return ContainerLogs.Lines(System.Text.Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length));
        }
        catch (DockerContainerNotFoundException)
        {
            return []; // gone: it has no output any more
        }
    }

    public async Task<IReadOnlyList<ContainerLogLine>> TailLogsAsync(string containerId, int tail, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tail);
        if (tail == 0)
        {
            return [];
        }

        var lines = new List<ContainerLogLine>();
        try
        {
            using var stream = await docker.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Timestamps = true,
                Tail = tail.ToString(CultureInfo.InvariantCulture),
            }, cancellationToken);
            await foreach (var line in ContainerLogReader.ReadAsync(stream, cancellationToken))
            {
                lines.Add(line);
            }
        }
        catch (DockerContainerNotFoundException)
        {
            return []; // gone: it has no output any more
        }

        return lines;
    }

    public async IAsyncEnumerable<ContainerLogLine> FollowLogsAsync(
        string containerId, LogPosition from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        MultiplexedStream stream;
        try
        {
            stream = await docker.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Timestamps = true,
                Follow = true,
                Tail = from.FromNow ? "0" : "all",
                Since = from.SinceParameter(),
            }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            yield break; // gone: nothing more will come
        }

        using (stream)
        {
            var skip = from.SeenAtSince;
            await foreach (var line in ContainerLogReader.ReadAsync(stream, cancellationToken))
            {
                // The engine's since is inclusive: the lines read already at that time come again.
                if (from.Since is { } since && line.At <= since && (line.At < since || skip-- > 0))
                {
                    continue;
                }

                yield return line;
            }
        }
    }

    public async Task<ContainerUsage?> UsageAsync(string containerId, CancellationToken cancellationToken)
    {
        ContainerStatsResponse? stats = null;
        try
        {
            // One-shot: one sample, not two a second apart. The engine still hands it out from its stats collector's next
            // pass (one a second for all containers): a reading within a second of another one on this engine waits for it.
            await docker.Containers.GetContainerStatsAsync(containerId, new ContainerStatsParameters { Stream = false, OneShot = true },
                new InlineProgress<ContainerStatsResponse>(s => stats = s), cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null; // gone
        }

        return stats is null ? null : UsageOf(stats);
    }

    /// <summary>A reading from the engine's stats; null for a container that is not running (the engine reports nothing then).</summary>
    private static ContainerUsage? UsageOf(ContainerStatsResponse stats)
    {
        var cpu = stats.CPUStats?.CPUUsage?.TotalUsage ?? 0;
        var read = stats.Read;
        if (read == default && cpu == 0)
        {
            return null;
        }

        var readAt = read == default
            ? DateTimeOffset.UtcNow
            : new DateTimeOffset(read.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(read, DateTimeKind.Utc) : read.ToUniversalTime());
        var memory = stats.MemoryStats;
        return new ContainerUsage(readAt, cpu, memory is null ? 0 : MemoryWithoutCache(memory), memory?.Limit ?? 0);
    }

    /// <summary>
    /// Memory in use without the page cache the kernel can drop, as <c>docker stats</c> counts it: cgroup v1 reports
    /// total_inactive_file (older engines only cache), cgroup v2 inactive_file.
    /// </summary>
    private static ulong MemoryWithoutCache(MemoryStats memory)
    {
        foreach (var key in (string[])["total_inactive_file", "inactive_file", "cache"])
        {
            if (memory.Stats is not null && memory.Stats.TryGetValue(key, out var cache))
            {
                return cache < memory.Usage ? memory.Usage - cache : memory.Usage;
            }
        }

        return memory.Usage;
    }

    /// <summary>The hardening boundary checks what it is given: limits must limit, variables must be variables.</summary>
    private static void Check(MemberSpec spec)
    {
        if (spec.CpuLimit <= 0 || spec.MemoryLimitMb <= 0)
        {
            throw new ArgumentException("A member needs positive CPU and memory limits (zero would mean unlimited).", nameof(spec));
        }

        if (spec.Environment.Keys.FirstOrDefault(k => !CartridgeRules.IsValidVariableName(k)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a variable name.", nameof(spec));
        }

        if (spec.Environment.Values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A variable's value contains NUL.", nameof(spec));
        }

        if (spec.Files.Keys.FirstOrDefault(p => !p.StartsWith('/') || p.EndsWith('/') || p.Split('/').Contains("..")) is { } path)
        {
            throw new ArgumentException($"'{path}' is not an absolute path of a file.", nameof(spec));
        }
    }

    /// <summary>Writes text files into a created container (one tar archive extracted at its root), readable by every user.</summary>
    private async Task PutFilesAsync(string containerId, IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return;
        }

        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Directory = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        using var archive = new MemoryStream();
        await using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (path, content) in files)
            {
                var parts = path.TrimStart('/').Split('/');
                for (var depth = 1; depth < parts.Length; depth++)
                {
                    var directory = string.Join('/', parts[..depth]) + "/";
                    if (directories.Add(directory))
                    {
                        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, directory) { Mode = Directory }, cancellationToken);
                    }
                }

                using var data = new MemoryStream(Encoding.UTF8.GetBytes(content));
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, path.TrimStart('/')) { Mode = Readable, DataStream = data },
                    cancellationToken);
            }
        }

        archive.Position = 0;
        await docker.Containers.ExtractArchiveToContainerAsync(containerId, new ContainerPathStatParameters { Path = "/" }, archive, cancellationToken);
    }

    /// <summary>The application's own volume, labelled so it can be found (and removed with the application) later.</summary>
    private async Task<string> EnsureVolumeAsync(MemberSpec spec, CancellationToken cancellationToken)
    {
        var name = VolumeOf(spec.TenantId, spec.ApplicationId);
        await docker.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = name,
            Labels = new Dictionary<string, string>
            {
                [InstallationLabel] = installationId.ToString(),
                [TenantLabel] = spec.TenantId.ToString(),
                [ApplicationLabel] = spec.ApplicationId.ToString(),
            },
        }, cancellationToken);
        return name;
    }

    private async Task<string> EnsureTenantNetworkAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var name = NetworkOf(tenantId);
        var existing = await docker.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        }, cancellationToken);
        if (existing.Any(n => n.Name == name))
        {
            return name;
        }

        try
        {
            await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = name,
                Driver = "bridge",
                CheckDuplicate = true,
                Labels = new Dictionary<string, string> { [InstallationLabel] = installationId.ToString(), [TenantLabel] = tenantId.ToString() },
            }, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Created meanwhile by another start of the same tenant.
        }

        return name;
    }

    /// <summary>The filter for what this installation made: containers, volumes, networks.</summary>
    private Dictionary<string, IDictionary<string, bool>> OwnedByThisInstallation() =>
        new() { ["label"] = new Dictionary<string, bool> { [$"{InstallationLabel}={installationId}"] = true } };

    private static int? PublishedPort(IDictionary<string, IList<PortBinding>>? ports, int containerPort) =>
        ports is not null && ports.TryGetValue($"{containerPort}/tcp", out var bindings)
            ? bindings?.Where(b => b.HostIP == "127.0.0.1").Select(b => (int?)int.Parse(b.HostPort, CultureInfo.InvariantCulture)).FirstOrDefault()
            : null;

    private static Guid ParseLabel(IDictionary<string, string>? labels, string label) =>
        labels is not null && labels.TryGetValue(label, out var value) && Guid.TryParse(value, out var id) ? id : Guid.Empty;
}
