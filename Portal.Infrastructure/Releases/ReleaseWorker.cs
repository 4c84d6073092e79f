using System.Collections.Concurrent;
using Docker.DotNet;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Git;
using Portal.Core.Partitions;
using Portal.Core.Releases;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Releases;

/// <summary>
/// Carries queued releases through their first steps: fetch the commit, build its image on every partition the
/// application may run on (no build when that commit's image is there: a rollback, a redeploy), then hand the release
/// to the reconciler (<see cref="Application.DeployingReleaseId"/>), which starts its members, checks them, switches
/// the router and drains the old ones. One release per application at a time; of the releases queued meanwhile only
/// the newest goes ahead. While a rollout runs, it asks the reconciler for passes more often than its schedule.
/// </summary>
public sealed partial class ReleaseWorker(
    IServiceScopeFactory scopes,
    IGitSource git,
    ReleaseImages images,
    DockerEngines engines,
    ReleaseSignal signal,
    Reconciler reconciler,
    IDataProtectionProvider protection,
    IOptions<PortalOptions> portal,
    TimeProvider clock,
    ILogger<ReleaseWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Rolling = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);

    /// <summary>Successful releases per application whose images are kept for rollbacks (besides any serving or in progress).</summary>
    public const int KeptImages = 5;
    private DateTimeOffset nextPrune;
    private readonly ConcurrentDictionary<Guid, Task> running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var ready = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var rollingOut = false;
            try
            {
                if (!ready && !(ready = await DatabaseReadyAsync(stoppingToken)))
                {
                    await signal.WaitAsync(Idle, stoppingToken);
                    continue;
                }

                rollingOut = await ScheduleAsync(stoppingToken);
                if (rollingOut)
                {
                    await reconciler.RunNowAsync(stoppingToken);
                }
                else if (running.IsEmpty && clock.GetUtcNow() >= nextPrune)
                {
                    nextPrune = clock.GetUtcNow() + PruneEvery;
                    await PruneImagesAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogScheduleFailed(e); // the database is not there yet, or went away: look again shortly
            }

            await signal.WaitAsync(rollingOut ? Rolling : Idle, stoppingToken);
        }

        await Task.WhenAll(running.Values);
    }

    /// <summary>Whether the database is initialized (migrated, the installation recorded) yet.</summary>
    private async Task<bool> DatabaseReadyAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Installations.AnyAsync(cancellationToken);
    }

    /// <summary>Starts the newest queued release of each application that has none in progress; true while any rolls out.</summary>
    private async Task<bool> ScheduleAsync(CancellationToken cancellationToken)
    {
        var preparing = running.Keys.ToHashSet(); // before the query: a task started later is not in it, nor its release
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var open = await db.Releases.IgnoreQueryFilters()
            .Unfinished()
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var orphan in open.Where(r => r.State is ReleaseState.Fetching or ReleaseState.Building && !preparing.Contains(r.ApplicationId)))
        {
            // Its preparation ended without recording how (or the portal stopped): it must not hold the application up.
            orphan.Fail("Preparing the release stopped unexpectedly (the portal stopped, or its log has the details); deploy it again.", now);
        }

        await db.SaveChangesAsync(cancellationToken);

        foreach (var releases in open.Where(r => !r.IsFinished).GroupBy(r => r.ApplicationId))
        {
            if (releases.Any(r => r.InProgress) || running.ContainsKey(releases.Key))
            {
                continue;
            }

            var newest = releases.MaxBy(r => r.Number)!;
            foreach (var older in releases.Where(r => r != newest))
            {
                older.Supersede(newest.Number, now);
            }

            if (newest.Image is null)
            {
                newest.Begin(Release.Fetch, now);
            }
            else
            {
                newest.Skip(Release.Fetch, now, $"{newest.ShortCommit}: nothing to fetch, the image is known");
                newest.Begin(Release.Build, now);
            }

            await db.SaveChangesAsync(cancellationToken);
            var task = Task.Run(() => PrepareAsync(newest.Id, cancellationToken), CancellationToken.None);
            running[releases.Key] = task;
            _ = task.ContinueWith(_ => running.TryRemove(releases.Key, out Task? _), TaskScheduler.Default);
        }

        return open.Any(r => r.State is ReleaseState.Starting or ReleaseState.Checking);
    }

    private async Task PrepareAsync(Guid releaseId, CancellationToken cancellationToken)
    {
        try
        {
            await PrepareReleaseAsync(releaseId, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing awaits this task: say what happened; the release is failed by the next schedule.
            LogPrepareStopped(e, releaseId);
        }
    }

    private async Task PrepareReleaseAsync(Guid releaseId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var release = await db.Releases.IgnoreQueryFilters().SingleAsync(r => r.Id == releaseId, cancellationToken);
        try
        {
            if (await PrepareAsync(db, release, cancellationToken) is { } error)
            {
                release.Fail(error, clock.GetUtcNow());
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogPrepareFailed(e, release.Number, release.ApplicationId);
            release.Fail("Preparing the release failed unexpectedly (the portal's log has the details).", clock.GetUtcNow());
        }

        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            return; // the application was deleted meanwhile, its releases with it
        }

        LogRelease(release.Number, release.ApplicationId, release.State, release.Error);
        if (release.State == ReleaseState.Starting)
        {
            signal.Queued(); // the loop now hurries the rollout along
            await reconciler.RunOnceAsync(cancellationToken); // the first pass at once (after the one running, if any)
        }
    }

    /// <summary>Fetch and build; returns why the release cannot go on, or null once it is handed to the reconciler.</summary>
    private async Task<string?> PrepareAsync(PortalDbContext db, Release release, CancellationToken cancellationToken)
    {
        var application = await db.Applications.IgnoreQueryFilters().SingleOrDefaultAsync(a => a.Id == release.ApplicationId, cancellationToken);
        var repository = await db.Repositories.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(r => r.ApplicationId == release.ApplicationId, cancellationToken);
        if (application is null || repository is null)
        {
            return "The application or its repository link was removed.";
        }

        var cartridge = await db.Cartridges.AsNoTracking().SingleAsync(c => c.Id == application.CartridgeId, cancellationToken);
        if (release.State == ReleaseState.Fetching)
        {
            var link = RepositorySecrets.LinkOf(protection, repository);
            if (!link.Succeeded)
            {
                return link.Failure!.Message;
            }

            var head = await git.FetchAsync(application.Id, link.Value!, cancellationToken);
            if (!head.Succeeded)
            {
                return head.Failure!.Message;
            }

            // A push or a poll asks for the branch's head as it was: when the branch moved on since (a newer push, a
            // replayed delivery), the head is what goes, never an older commit.
            var requested = release.RequestedCommit;
            if (requested is not null && release.Trigger is ReleaseTrigger.Webhook or ReleaseTrigger.Poll
                && !head.Value!.Id.StartsWith(requested, StringComparison.OrdinalIgnoreCase))
            {
                requested = null;
            }

            var commit = requested is not null ? await git.ResolveAsync(application.Id, requested, cancellationToken) : head;
            if (!commit.Succeeded)
            {
                return commit.Failure!.Message;
            }

            var info = commit.Value!;
            release.Resolved(info.Id, info.Subject, $"{info.AuthorName} <{info.AuthorEmail}>", info.AuthoredAt);
            var installation = await db.Installations.Select(i => i.Id).SingleAsync(cancellationToken);
            release.Image = ReleaseImages.TagOf(installation, application.Id, info.Id);
            release.Steps[^1].Detail = $"{info.ShortId} {info.Subject}"
                                       + (requested is null && release.RequestedCommit is { } asked ? $" (the branch's head; {asked[..Math.Min(12, asked.Length)]} was pushed before it)" : "");
            release.Begin(Release.Build, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }

        if (await BuildAsync(db, application, cartridge.Image, release, cancellationToken) is { } buildError)
        {
            return buildError;
        }

        release.Begin(Release.Start, clock.GetUtcNow());
        application.DeployingReleaseId = release.Id; // the reconciler takes it from here
        return null;
    }

    /// <summary>
    /// The release's image on every partition the application may run on, built on those that lack it at once (the
    /// tree exported once); partitions that do not answer are noted, not waited for.
    /// </summary>
    private async Task<string?> BuildAsync(PortalDbContext db, Application application, string baseImage, Release release, CancellationToken cancellationToken)
    {
        var policy = await db.DeploymentPolicies.AsNoTracking().SingleAsync(p => p.Id == application.DeploymentPolicyId, cancellationToken);
        var order = policy.Slots().Select(s => s.PartitionId).Append(application.DataPartitionId ?? Guid.Empty).Distinct().ToList();
        var partitions = (await db.Partitions.AsNoTracking().Where(p => order.Contains(p.Id)).ToListAsync(cancellationToken))
            .OrderBy(p => order.IndexOf(p.Id))
            .ToList();
        var present = await Task.WhenAll(partitions.Select(async p =>
        {
            try
            {
                return (bool?)await images.ExistsAsync(engines.For(p.Endpoint, p.TlsCertificateDirectory), release.Image!, cancellationToken);
            }
            catch (Exception e) when (PartitionCatalogue.IsUnreachable(e))
            {
                return null;
            }
        }));

        if (present.All(p => p is null))
        {
            return $"No partition of deployment policy '{policy.Name}' answers; nothing was built.";
        }

        var outcomes = partitions.Select((p, i) => present[i] switch
        {
            true => $"{p.Name}: image there already",
            null => $"{p.Name}: does not answer, not built",
            false => null,
        }).ToArray();
        var missing = partitions.Where((_, i) => present[i] == false).ToList();
        if (missing.Count > 0)
        {
            var source = Path.Combine(portal.Value.DataDirectoryFullPath, "builds", release.Id.ToString("N"));
            try
            {
                if (Directory.Exists(source))
                {
                    Directory.Delete(source, recursive: true);
                }

                var export = await git.ExportAsync(application.Id, release.CommitId!, source, cancellationToken);
                if (!export.Succeeded)
                {
                    return export.Failure!.Message;
                }

                var built = await Task.WhenAll(missing.Select(p => images.BuildAsync(
                    engines.For(p.Endpoint, p.TlsCertificateDirectory),
                    new ReleaseImageSpec(baseImage, source, release.Image!, new Dictionary<string, string>()),
                    new InlineProgress<string>(_ => { }),
                    cancellationToken)));
                foreach (var (partition, result) in missing.Zip(built))
                {
                    outcomes[partitions.IndexOf(partition)] = $"{partition.Name}: {(result.Succeeded ? "built" : result.Failure!.Message)}";
                }

                release.Steps[^1].Detail = string.Join("; ", outcomes);
                var failed = missing.Zip(built).Where(b => !b.Second.Succeeded).Select(b => $"{b.First.Name}: {b.Second.Failure!.Message}").ToList();
                return failed.Count > 0 ? "Building the image failed on " + string.Join("; ", failed) : null;
            }
            finally
            {
                if (Directory.Exists(source))
                {
                    Directory.Delete(source, recursive: true);
                }
            }
        }

        release.Steps[^1].Detail = string.Join("; ", outcomes);
        return null;
    }

    /// <summary>
    /// Removes release images nothing needs: of deleted applications, and beyond the newest <see cref="KeptImages"/>
    /// successful releases of an application (the serving one and those in progress always stay). A rollback to a
    /// release whose image went is built again from the repository cache.
    /// </summary>
    public async Task PruneImagesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var installation = await db.Installations.Select(i => i.Id).SingleAsync(cancellationToken);
        var releases = await db.Releases.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.Image != null)
            .Select(r => new { r.ApplicationId, r.Id, r.Number, r.State, r.Image })
            .ToListAsync(cancellationToken);
        var serving = (await db.Applications.IgnoreQueryFilters()
                .Select(a => new { a.ReleaseId, a.DeployingReleaseId })
                .ToListAsync(cancellationToken))
            .SelectMany(a => new[] { a.ReleaseId, a.DeployingReleaseId })
            .OfType<Guid>()
            .ToHashSet();
        var kept = releases
            .GroupBy(r => r.ApplicationId)
            .SelectMany(g => g.Where(r => r.State == ReleaseState.Succeeded).OrderByDescending(r => r.Number).Take(KeptImages)
                .Concat(g.Where(r => serving.Contains(r.Id) || r.State is not (ReleaseState.Succeeded or ReleaseState.Failed or ReleaseState.Superseded))))
            .Select(r => r.Image!)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var partition in await db.Partitions.AsNoTracking().ToListAsync(cancellationToken))
        {
            try
            {
                var engine = engines.For(partition.Endpoint, partition.TlsCertificateDirectory);
                foreach (var tag in (await images.ListAsync(engine, installation, cancellationToken)).Where(t => !kept.Contains(t)))
                {
                    await images.RemoveAsync(engine, tag, cancellationToken);
                    LogPruned(tag, partition.Name);
                }
            }
            catch (Exception e) when (PartitionCatalogue.IsUnreachable(e))
            {
                // the next round tries again
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Removed release image {Image} from partition {Partition}: no release needs it")]
    private partial void LogPruned(string image, string partition);

    [LoggerMessage(LogLevel.Information, "Release #{Number} of application {ApplicationId} is {State} {Error}")]
    private partial void LogRelease(int number, Guid applicationId, ReleaseState state, string? error);

    [LoggerMessage(LogLevel.Error, "Preparing release #{Number} of application {ApplicationId} failed")]
    private partial void LogPrepareFailed(Exception exception, int number, Guid applicationId);

    [LoggerMessage(LogLevel.Error, "Preparing release {ReleaseId} stopped unexpectedly")]
    private partial void LogPrepareStopped(Exception exception, Guid releaseId);

    [LoggerMessage(LogLevel.Warning, "Looking for queued releases failed; trying again shortly")]
    private partial void LogScheduleFailed(Exception exception);
}
