using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Git;
using Portal.Core.Releases;
using Portal.Infrastructure.Persistence;
using Quartz;

namespace Portal.Infrastructure.Releases;

/// <summary>
/// The fallback for git hosts that cannot call the webhook: every repository with a poll interval is fetched when
/// it is due, and a new head commit is queued as a release (triggered by "polling"). An application with a release
/// queued or in progress is left for the next round.
/// </summary>
public sealed partial class RepositoryPoller(
    IServiceScopeFactory scopes, IGitSource git, IDataProtectionProvider protection, ReleaseSignal signal, TimeProvider clock,
    ILogger<RepositoryPoller> logger)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> lastPolled = new();

    public async Task PollDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow();
        var polled = await db.Repositories.IgnoreQueryFilters().AsNoTracking().Where(r => r.PollInterval != null).ToListAsync(cancellationToken);
        foreach (var repository in polled.Where(r => now - lastPolled.GetValueOrDefault(r.ApplicationId, r.LinkedAt) >= r.PollInterval))
        {
            lastPolled[repository.ApplicationId] = now;
            try
            {
                await PollAsync(db, repository, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogPollFailed(e, repository.ApplicationId);
            }
        }

        foreach (var gone in lastPolled.Keys.Except(polled.Select(r => r.ApplicationId)))
        {
            lastPolled.TryRemove(gone, out _);
        }
    }

    private async Task PollAsync(PortalDbContext db, LinkedRepository repository, CancellationToken cancellationToken)
    {
        var releases = db.Releases.IgnoreQueryFilters().Where(r => r.ApplicationId == repository.ApplicationId);
        if (await releases.Unfinished().AnyAsync(cancellationToken))
        {
            return; // one is on its way: look again next time
        }

        var link = RepositorySecrets.LinkOf(protection, repository);
        var head = link.Succeeded ? await git.FetchAsync(repository.ApplicationId, link.Value!, cancellationToken) : link.Failure!;
        if (!head.Succeeded)
        {
            LogPollRefused(repository.ApplicationId, head.Failure!.Message);
            return;
        }

        var id = head.Value!.Id;
        if (await releases.AnyAsync(r => r.CommitId == id || r.RequestedCommit == id, cancellationToken))
        {
            return; // deployed (or tried) already: a rollback or an older commit deployed on purpose stays
        }

        var now = clock.GetUtcNow();
        await ReleaseQueue.AddAsync(db, repository.ApplicationId, null, number => new Release
        {
            TenantId = repository.TenantId,
            ApplicationId = repository.ApplicationId,
            Number = number,
            Trigger = ReleaseTrigger.Poll,
            TriggeredBy = "polling",
            RequestedCommit = head.Value!.Id,
            CreatedAt = now,
        }, cancellationToken);
        signal.Queued();
    }

    [LoggerMessage(LogLevel.Warning, "Polling the repository of application {ApplicationId} failed")]
    private partial void LogPollFailed(Exception exception, Guid applicationId);

    [LoggerMessage(LogLevel.Information, "Polling the repository of application {ApplicationId}: {Reason}")]
    private partial void LogPollRefused(Guid applicationId, string reason);
}

/// <summary>Runs <see cref="RepositoryPoller"/> on Quartz's schedule; never two at once.</summary>
[DisallowConcurrentExecution]
internal sealed class RepositoryPollJob(RepositoryPoller poller) : IJob
{
    public static readonly JobKey Key = new("poll-repositories", "portal");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await poller.PollDueAsync(cancellationToken);
}
