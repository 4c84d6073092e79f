using Portal.Core.Autoscaling;

namespace Portal.Core.Applications;

/// <summary>
/// Port: one partition's container engine as the portal uses it. Members are containers labelled with their
/// tenant, application, cluster and member ids, so what runs can always be found again (after a restart too).
/// </summary>
public interface IContainerRuntime
{
    /// <summary>Creates and starts a member's container, hardened, its port published on 127.0.0.1 only.</summary>
    Task<ObservedContainer> StartAsync(MemberSpec spec, CancellationToken cancellationToken);

    /// <summary>Every container of the portal on this engine, running or not.</summary>
    Task<IReadOnlyList<ObservedContainer>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The applications' own volumes on this engine (data cartridges' persistence).</summary>
    Task<IReadOnlyList<ObservedVolume>> ListVolumesAsync(CancellationToken cancellationToken);

    /// <summary>Removes an application's volume and its data; gone already is fine, in use is refused (false).</summary>
    Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes the tenants' networks that none of <paramref name="tenantsInUse"/> needs any more.</summary>
    Task RemoveUnusedNetworksAsync(IReadOnlySet<Guid> tenantsInUse, CancellationToken cancellationToken);

    /// <summary>Stops (with a grace period for requests in flight) and removes a container; gone already is fine.</summary>
    Task RemoveAsync(string containerId, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>
    /// The container's last <paramref name="tail"/> lines of output, stdout and stderr merged in order, each cut to
    /// <see cref="ContainerLogs.MaxLineLength"/> characters; none when the container is gone.
    /// </summary>
    Task<IReadOnlyList<string>> LogsAsync(string containerId, int tail, CancellationToken cancellationToken);

    /// <summary>
    /// The container's last <paramref name="tail"/> lines with the engine's times and their stream, oldest first, each cut
    /// by <see cref="ContainerLogs"/>' rules; none when the container is gone.
    /// </summary>
    Task<IReadOnlyList<ContainerLogLine>> TailLogsAsync(string containerId, int tail, CancellationToken cancellationToken);

    /// <summary>
    /// The container's lines from <paramref name="from"/> on, each as soon as the engine logs it, until the container
    /// stops or is removed (the sequence ends) or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IAsyncEnumerable<ContainerLogLine> FollowLogsAsync(string containerId, LogPosition from, CancellationToken cancellationToken);

    /// <summary>The container's CPU and memory use now (cumulative CPU time); null when it is gone or not running.</summary>
    Task<ContainerUsage?> UsageAsync(string containerId, CancellationToken cancellationToken);
}

/// <summary>Rules for the output of containers the portal shows (a failed release's last lines, say).</summary>
public static class ContainerLogs
{
    /// <summary>Longer lines are cut: a line is shown to people, not kept whole.</summary>
    public const int MaxLineLength = 500;

    /// <summary>Output split into lines (LF or CRLF), the empty one after the last newline dropped, each cut to <see cref="MaxLineLength"/>.</summary>
    public static IReadOnlyList<string> Lines(string output)
    {
        var lines = output.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        return [.. lines.Take(count).Select(Cut)];
    }

    /// <summary>
    /// A line as the engine gives it with timestamps (<c>2026-11-29T09:24:15.238358121Z text</c>): the time (to 100 ns)
    /// and the text, cut. Null when it does not start with such a time.
    /// </summary>
    public static (DateTimeOffset At, string Text)? ParseTimestamped(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var stamp = space < 0 ? line.TrimEnd('\r') : line[..space];
        var dot = stamp.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && stamp.EndsWith('Z') && stamp.Length - dot - 2 > 7)
        {
            stamp = stamp[..(dot + 8)] + "Z"; // .NET reads at most 7 digits of a second
        }

        if (!DateTimeOffset.TryParseExact(stamp, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"],
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        return (at.ToUniversalTime(), space < 0 ? "" : Cut(line[(space + 1)..]));
    }

    /// <summary>One line without its line end, cut to <see cref="MaxLineLength"/> characters.</summary>
    public static string Cut(string line)
    {
        line = line.EndsWith('\r') ? line[..^1] : line;
        if (line.Length <= MaxLineLength)
        {
            return line;
        }

        // Never half a surrogate pair.
        return line[..(char.IsHighSurrogate(line[MaxLineLength - 1]) ? MaxLineLength - 1 : MaxLineLength)];
    }
}

/// <summary>Everything needed to run one member.</summary>
public sealed record MemberSpec
{
    public required Guid TenantId { get; init; }

    public required Guid ApplicationId { get; init; }

    public required Guid ClusterId { get; init; }

    public required Guid MemberId { get; init; }

    public required string Image { get; init; }

    public required int ContainerPort { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public double CpuLimit { get; init; } = 0.5;

    public int MemoryLimitMb { get; init; } = 256;

    /// <summary>The name other members of the tenant reach it by on the tenant's network (e.g. the application's name).</summary>
    public string? NetworkAlias { get; init; }

    /// <summary>
    /// Where the application's data lives in the container (data cartridges). The runtime mounts the application's
    /// own volume there (named after tenant and application, so no other tenant can ever mount it); it outlives members.
    /// </summary>
    public string? PersistencePath { get; init; }

    /// <summary>Text files (absolute path → UTF-8 content, readable by every user) put in the container before it starts.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
}

/// <summary>A portal container as the engine reports it.</summary>
public sealed record ObservedContainer(
    string ContainerId,
    Guid TenantId,
    Guid ApplicationId,
    Guid ClusterId,
    Guid MemberId,
    bool Running,
    int? PublishedPort);

/// <summary>An application's volume as the engine reports it.</summary>
public sealed record ObservedVolume(string Name, Guid TenantId, Guid ApplicationId);
