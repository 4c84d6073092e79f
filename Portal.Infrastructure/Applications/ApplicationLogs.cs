using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Applications;
using Portal.Core.Common;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Applications;

/// <summary>What to follow: an application's live members (all, or one by id or short id) and how many earlier lines first.</summary>
public sealed record LogRequest(string Application, string? Member = null, int Tail = LiveLogs.DefaultTail);

/// <summary>An application's logs being followed: the earlier lines, then each new one, until the token given is cancelled.</summary>
public sealed record LiveLog(IAsyncEnumerable<LogLine> Lines);

/// <summary>
/// The live logs of a tenant's application (stdout and stderr of its Starting, Active and Draining members) merged in
/// time order: first the last lines asked for over all followed members, then each line as the engine logs it (held
/// for <see cref="LogMerger.DefaultWindow"/> so that members' lines come out in time order). The members are read
/// again every <see cref="MemberPoll"/>: a new member is followed from its first line; a member whose container
/// stops or goes ends its own stream and no other. Applications are looked up through the tenant filter, so
/// another tenant's application is simply not found.
/// </summary>
public sealed partial class ApplicationLogs(PortalDbContext db, DockerEngines engines, TimeProvider clock, ILogger<ApplicationLogs> logger)
    : IDisposable
{
    /// <summary>How often the members are read again to follow new ones.</summary>
    public static readonly TimeSpan MemberPoll = TimeSpan.FromSeconds(2);

    /// <summary>Reading a member's earlier lines takes no longer: its new lines are followed all the same.</summary>
    private static readonly TimeSpan TailTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Lines waiting for a slow reader; beyond them the oldest are dropped (a chatty application cannot fill the portal's memory).</summary>
    private const int Buffered = 10_000;

    private static readonly MemberState[] Live = [MemberState.Starting, MemberState.Active, MemberState.Draining];

    /// <summary>This scope's DbContext serves one query at a time: opening and the members' re-reads may overlap.</summary>
    private readonly SemaphoreSlim queries = new(1, 1);

    public static string NotFound(string application) => $"There is no application named '{application}'.";

    /// <summary>
    /// Starts following; a failure when the tail is out of range, the application is not the caller's, or it has no
    /// such member. The lines flow while they are read, until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<Result<LiveLog>> OpenAsync(LogRequest request, CancellationToken cancellationToken)
    {
        if (LiveLogs.CheckTail(request.Tail) is { } problem)
        {
            return Failure.Validation("tail", problem);
        }

        var (applicationId, members, installation) = await QueryAsync(async () =>
        {
            var id = await db.Applications.AsNoTracking().Where(a => a.Name == request.Application).Select(a => (Guid?)a.Id)
                .SingleOrDefaultAsync(cancellationToken);
            var ids = id is null ? [] : await db.Members.AsNoTracking().Where(m => m.ApplicationId == id).Select(m => m.Id).ToListAsync(cancellationToken);
            var installation = await db.Installations.AsNoTracking().Select(i => i.Id).FirstOrDefaultAsync(cancellationToken);
            return (id, ids, installation);
        }, cancellationToken);
        if (applicationId is not { } application)
        {
            return Failure.NotFound(NotFound(request.Application));
        }

        Guid? member = null;
        if (!string.IsNullOrWhiteSpace(request.Member))
        {
            member = members.Where(id => LiveLogs.Names(id, request.Member)).Select(id => (Guid?)id).FirstOrDefault();
            if (member is null)
            {
                return Failure.NotFound($"'{request.Application}' has no member '{request.Member}'.");
            }
        }

        return new LiveLog(FollowAsync(application, member, request.Tail, installation, cancellationToken));
    }

    private async IAsyncEnumerable<LogLine> FollowAsync(
        Guid applicationId, Guid? memberId, int tail, Guid installation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lines = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(Buffered)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var followers = new List<Task>();
        Task? watcher = null;
        try
        {
            // The earlier lines of every member, merged, then each member followed from right after its own.
            var members = await LiveMembersAsync(applicationId, memberId, cancellationToken);
            var tails = await Task.WhenAll(members.Select(m => TailAsync(m, tail, installation, cancellationToken)));
            foreach (var line in LogMerger.Last(tails.SelectMany(t => t.Lines.Select(l => LogLine.Of(t.Member.Id, l))), tail))
            {
                yield return line;
            }

            var followed = members.Select(m => m.Id).ToHashSet();
            followers.AddRange(tails.Select(t => FollowMemberAsync(t.Member, t.From, installation, lines.Writer, stop.Token)));
            watcher = WatchMembersAsync(applicationId, memberId, installation, followed, followers, lines.Writer, stop.Token);

            var merger = new LogMerger(LogMerger.DefaultWindow);
            while (true)
            {
                await WaitForLinesAsync(lines.Reader, merger.NextDue(clock.GetUtcNow()), cancellationToken);
                while (lines.Reader.TryRead(out var line))
                {
                    merger.Add(line, clock.GetUtcNow());
                }

                foreach (var line in merger.TakeReady(clock.GetUtcNow()))
                {
                    yield return line;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            if (watcher is not null)
            {
                await watcher; // it adds followers: wait for it before waiting for them
            }

            await Task.WhenAll(followers);
        }
    }

    /// <summary>Waits until lines come or, when lines are held, until the first of them is due.</summary>
    private static async Task WaitForLinesAsync(ChannelReader<LogLine> reader, TimeSpan? due, CancellationToken cancellationToken)
    {
        if (due is null)
        {
            await reader.WaitToReadAsync(cancellationToken);
            return;
        }

        if (due <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(due.Value);
        try
        {
            await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Due: the held lines go out.
        }
    }

    private async Task<(FollowedMember Member, IReadOnlyList<ContainerLogLine> Lines, LogPosition From)> TailAsync(
        FollowedMember member, int tail, Guid installation, CancellationToken cancellationToken)
    {
        if (tail == 0)
        {
            return (member, [], LogPosition.Now);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TailTimeout);
        try
        {
            var lines = await Runtime(member, installation).TailLogsAsync(member.ContainerId, tail, timeout.Token);
            return (member, lines, LogPosition.After(lines));
        }
        catch (Exception e) when (IsEngineFailure(e) || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogTailFailed(member.Id, e.Message);
            return (member, [], LogPosition.Now); // its new lines at least
        }
    }

    /// <summary>One member's lines into <paramref name="writer"/> until its container stops (or the engine fails: logged, the others go on).</summary>
    private async Task FollowMemberAsync(
        FollowedMember member, LogPosition from, Guid installation, ChannelWriter<LogLine> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in Runtime(member, installation).FollowLogsAsync(member.ContainerId, from, cancellationToken))
            {
                await writer.WriteAsync(LogLine.Of(member.Id, line), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // No one reads any more.
        }
        catch (Exception e) when (IsEngineFailure(e))
        {
            LogFollowFailed(member.Id, e.Message);
        }
    }

    /// <summary>Every <see cref="MemberPoll"/>: follows the live members not followed yet, from their first line.</summary>
    private async Task WatchMembersAsync(
        Guid applicationId, Guid? memberId, Guid installation, HashSet<Guid> followed, List<Task> followers,
        ChannelWriter<LogLine> writer, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(MemberPoll, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    foreach (var member in await LiveMembersAsync(applicationId, memberId, cancellationToken))
                    {
                        if (followed.Add(member.Id))
                        {
                            followers.Add(FollowMemberAsync(member, LogPosition.Beginning, installation, writer, cancellationToken));
                        }
                    }
                }
                catch (Exception e) when ((e is System.Data.Common.DbException or TimeoutException) && !cancellationToken.IsCancellationRequested)
                {
                    LogMembersFailed(e.Message); // the next tick tries again
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // No one reads any more (the component's scope, its DbContext and semaphore may be going right now).
        }
    }

    private Task<List<FollowedMember>> LiveMembersAsync(Guid applicationId, Guid? memberId, CancellationToken cancellationToken) =>
        QueryAsync(() => (from m in db.Members.AsNoTracking()
                          join p in db.Partitions.AsNoTracking() on m.PartitionId equals p.Id
                          where m.ApplicationId == applicationId && (memberId == null || m.Id == memberId)
                                && Live.Contains(m.State) && m.ContainerId != null
                          orderby m.CreatedAt
                          select new FollowedMember(m.Id, m.ContainerId!, p.Endpoint, p.TlsCertificateDirectory))
            .ToListAsync(cancellationToken), cancellationToken);

    private async Task<T> QueryAsync<T>(Func<Task<T>> query, CancellationToken cancellationToken)
    {
        await queries.WaitAsync(cancellationToken);
        try
        {
            return await query();
        }
        finally
        {
            queries.Release();
        }
    }

    public void Dispose() => queries.Dispose();

    private DockerContainerRuntime Runtime(FollowedMember member, Guid installation) =>
        new(engines.For(member.Endpoint, member.TlsCertificateDirectory), installation);

    private static bool IsEngineFailure(Exception e) =>
        e is DockerApiException or HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException;

    private sealed record FollowedMember(Guid Id, string ContainerId, string Endpoint, string? TlsCertificateDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the earlier lines of member {MemberId} failed: {Reason}")]
    private partial void LogTailFailed(Guid memberId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the logs of member {MemberId} stopped: {Reason}")]
    private partial void LogFollowFailed(Guid memberId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading an application's members for its logs failed: {Reason}")]
    private partial void LogMembersFailed(string reason);
}
