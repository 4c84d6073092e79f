using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Core.Releases;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Releases;

/// <summary>What a tenant gives to link a repository; an empty password keeps the stored one when the URL and user stay.</summary>
public sealed record RepositoryInput(string? Url, string? Branch, string? Username, string? Password, TimeSpan? PollInterval);

/// <summary>
/// A linked repository, the release deploying its branch's head and, when it was linked for the first time, the
/// webhook secret made for it (shown this once; linking again keeps the secret and does not show it).
/// </summary>
public sealed record RepositoryLinked(RepositoryView Repository, string? WebhookSecret, ReleaseView Release);

/// <summary>
/// A tenant's repositories and releases: link (checked by fetching), deploy, roll back, list. Every query goes
/// through the tenant filter, so a tenant only ever sees and touches its own. The <see cref="ReleaseWorker"/> and
/// the reconciler carry releases out; this records what is wanted.
/// </summary>
public sealed class ReleaseService(
    PortalDbContext db,
    IGitSource git,
    IDataProtectionProvider protection,
    ReleaseSignal signal,
    TimeProvider clock)
{
    private const int Listed = 50;

    public async Task<Result<RepositoryLinked>> LinkAsync(string applicationName, RepositoryInput input, string triggeredBy, CancellationToken cancellationToken)
    {
        if (await FindAsync(applicationName, cancellationToken) is not { } application)
        {
            return NoSuchApplication(applicationName);
        }

        if (await db.Cartridges.Where(c => c.Id == application.CartridgeId).Select(c => c.Category).SingleAsync(cancellationToken) == CartridgeCategory.Data)
        {
            return Failure.Validation(RepositoryRules.UrlField,
                "A data application runs its cartridge as it is: link the repository to the application that serves your code.");
        }

        var existing = await db.Repositories.SingleOrDefaultAsync(r => r.ApplicationId == application.Id, cancellationToken);
        var password = input.Password;
        if (string.IsNullOrEmpty(password) && existing is { ProtectedPassword: { } stored }
            && existing.Url == input.Url?.Trim() && existing.Username == (string.IsNullOrWhiteSpace(input.Username) ? null : input.Username.Trim()))
        {
            password = RepositorySecrets.UnprotectPassword(protection, stored); // same repository and user: keep it
        }

        var link = RepositoryLink.Create(input.Url, input.Branch, input.Username, password);
        if (!link.Succeeded)
        {
            return link.Failure!;
        }

        if (ReleaseRules.CheckPollInterval(input.PollInterval) is { } pollProblem)
        {
            return Failure.Validation("repository.pollInterval", pollProblem);
        }

        var head = await git.FetchAsync(application.Id, link.Value!, cancellationToken);
        if (!head.Succeeded)
        {
            return head.Failure!;
        }

        var secret = existing is null ? RepositorySecrets.NewWebhookSecret() : null;
        var repository = existing ?? new LinkedRepository
        {
            ApplicationId = application.Id,
            Url = link.Value!.Url,
            Branch = link.Value.Branch,
            ProtectedWebhookSecret = RepositorySecrets.ProtectWebhookSecret(protection, secret!),
        };
        repository.Url = link.Value!.Url;
        repository.Branch = link.Value.Branch;
        repository.Username = link.Value.Username;
        repository.ProtectedPassword = link.Value.Password is { } p ? RepositorySecrets.ProtectPassword(protection, p) : null;
        repository.PollInterval = input.PollInterval;
        repository.LinkedAt = clock.GetUtcNow();
        if (existing is null)
        {
            db.Repositories.Add(repository);
        }

        await db.SaveChangesAsync(cancellationToken);
        var release = await QueueAsync(application, head.Value!.Id, ReleaseTrigger.User, triggeredBy, cancellationToken);
        return new RepositoryLinked(RepositoryView.Of(repository), secret, ReleaseView.Of(release, application.ReleaseId));
    }

    public async Task<RepositoryView?> RepositoryAsync(string applicationName, CancellationToken cancellationToken) =>
        await (from r in db.Repositories.AsNoTracking()
               join a in db.Applications on r.ApplicationId equals a.Id
               where a.Name == applicationName
               select r).SingleOrDefaultAsync(cancellationToken) is { } repository
            ? RepositoryView.Of(repository)
            : null;

    /// <summary>A new webhook secret (the old one stops working at once); returned this once.</summary>
    public async Task<Result<string>> RegenerateWebhookSecretAsync(string applicationName, CancellationToken cancellationToken)
    {
        if (await FindAsync(applicationName, cancellationToken) is not { } application)
        {
            return NoSuchApplication(applicationName);
        }

        var repository = await RepositoryOfAsync(application, cancellationToken);
        if (!repository.Succeeded)
        {
            return repository.Failure!;
        }

        var secret = RepositorySecrets.NewWebhookSecret();
        repository.Value!.ProtectedWebhookSecret = RepositorySecrets.ProtectWebhookSecret(protection, secret);
        await db.SaveChangesAsync(cancellationToken);
        return secret;
    }

    /// <summary>Deploys the branch's head, or <paramref name="commit"/> (full or abbreviated), of the linked repository.</summary>
    public async Task<Result<ReleaseView>> DeployAsync(string applicationName, string? commit, string triggeredBy, CancellationToken cancellationToken)
    {
        commit = string.IsNullOrWhiteSpace(commit) ? null : commit.Trim().ToLowerInvariant();
        if (commit is not null && !ReleaseRules.IsCommitId(commit))
        {
            return Failure.Validation(RepositoryRules.CommitField, $"'{commit}' is not a commit id (4 to 64 hex digits).");
        }

        if (await FindAsync(applicationName, cancellationToken) is not { } application)
        {
            return NoSuchApplication(applicationName);
        }

        var repository = await RepositoryOfAsync(application, cancellationToken);
        if (!repository.Succeeded)
        {
            return repository.Failure!;
        }

        var release = await QueueAsync(application, commit, ReleaseTrigger.User, triggeredBy, cancellationToken);
        return ReleaseView.Of(release, application.ReleaseId);
    }

    /// <summary>Deploys an earlier successful release again: its image, no fetch, no build.</summary>
    public async Task<Result<ReleaseView>> RollBackAsync(string applicationName, Guid releaseId, string triggeredBy, CancellationToken cancellationToken)
    {
        if (await FindAsync(applicationName, cancellationToken) is not { } application)
        {
            return NoSuchApplication(applicationName);
        }

        var earlier = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == releaseId && r.ApplicationId == application.Id, cancellationToken);
        if (earlier is null)
        {
            return Failure.NotFound($"'{applicationName}' has no release {releaseId}.");
        }

        if (earlier.State != ReleaseState.Succeeded || earlier.Image is null)
        {
            return Failure.Conflict("release", $"Release #{earlier.Number} did not succeed ({earlier.State}); only a release that served can be rolled back to.");
        }

        if (earlier.Id == application.ReleaseId)
        {
            return Failure.Conflict("release", $"Release #{earlier.Number} is the one serving now.");
        }

        var now = clock.GetUtcNow();
        var release = await QueueAsync(application, number =>
        {
            var release = new Release
            {
                TenantId = application.TenantId,
                ApplicationId = application.Id,
                Number = number,
                Trigger = ReleaseTrigger.Rollback,
                TriggeredBy = $"rollback to #{earlier.Number} by {triggeredBy}",
                RequestedCommit = earlier.CommitId,
                RollbackOf = earlier.Id,
                Image = earlier.Image,
                CreatedAt = now,
            };
            release.Resolved(earlier.CommitId!, earlier.Subject ?? "", earlier.Author ?? "", earlier.AuthoredAt ?? now);
            return release;
        }, cancellationToken);
        return ReleaseView.Of(release, application.ReleaseId);
    }

    /// <summary>The application's releases, newest first (the last 50).</summary>
    public async Task<Result<IReadOnlyList<ReleaseView>>> ListAsync(string applicationName, CancellationToken cancellationToken)
    {
        if (await FindAsync(applicationName, cancellationToken) is not { } application)
        {
            return NoSuchApplication(applicationName);
        }

        var releases = await db.Releases.AsNoTracking().Where(r => r.ApplicationId == application.Id)
            .OrderByDescending(r => r.Number).Take(Listed).ToListAsync(cancellationToken);
        return releases.Select(r => ReleaseView.Of(r, application.ReleaseId)).ToList();
    }

    public async Task<Result<ReleaseView>> GetAsync(string applicationName, Guid releaseId, CancellationToken cancellationToken)
    {
        var application = await FindAsync(applicationName, cancellationToken);
        var release = application is null
            ? null
            : await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == releaseId && r.ApplicationId == application.Id, cancellationToken);
        return release is null
            ? Failure.NotFound($"'{applicationName}' has no release {releaseId}.")
            : ReleaseView.Of(release, application!.ReleaseId);
    }

    private Task<Release> QueueAsync(Application application, string? commit, ReleaseTrigger trigger, string triggeredBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return QueueAsync(application, number => new Release
        {
            TenantId = application.TenantId,
            ApplicationId = application.Id,
            Number = number,
            Trigger = trigger,
            TriggeredBy = triggeredBy,
            RequestedCommit = commit,
            CreatedAt = now,
        }, cancellationToken);
    }

    /// <summary>Adds the release <paramref name="make"/> builds for the next number and wakes the worker.</summary>
    private async Task<Release> QueueAsync(Application application, Func<int, Release> make, CancellationToken cancellationToken)
    {
        var release = (await ReleaseQueue.AddAsync(db, application.Id, null, make, cancellationToken))!;
        signal.Queued();
        return release;
    }

    private Task<Application?> FindAsync(string applicationName, CancellationToken cancellationToken) =>
        db.Applications.AsNoTracking().SingleOrDefaultAsync(a => a.Name == applicationName, cancellationToken);

    private async Task<Result<LinkedRepository>> RepositoryOfAsync(Application application, CancellationToken cancellationToken)
    {
        var repository = await db.Repositories.SingleOrDefaultAsync(r => r.ApplicationId == application.Id, cancellationToken);
        return repository is null
            ? Failure.Conflict("repository", $"'{application.Name}' has no repository linked: link one first.")
            : repository;
    }

    private static Failure NoSuchApplication(string name) => Failure.NotFound($"You have no application named '{name}'.");
}
