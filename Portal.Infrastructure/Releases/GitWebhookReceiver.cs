using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Releases;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Releases;

public enum WebhookAnswer
{
    /// <summary>No such tenant, application, or no repository linked.</summary>
    NotFound,

    /// <summary>The body is longer than a push payload may be.</summary>
    TooLarge,
    Unauthorized,

    /// <summary>Authentic, but not a push payload the portal understands.</summary>
    Rejected,

    /// <summary>Authentic, nothing to deploy: another branch, a ping, a tag, a deleted branch.</summary>
    Ignored,

    /// <summary>This delivery was received before; nothing new is deployed.</summary>
    Duplicate,
    Queued,
}

public sealed record WebhookReceipt(WebhookAnswer Answer, string Message, ReleaseView? Release = null);

/// <summary>
/// A git host's push for <c>/hooks/git/{tenant}/{application}</c>: authenticated with the application's own secret
/// (the caller has no portal account), then queued as a release of the pushed commit. A push to another branch is
/// ignored, a redelivery is recognised by its delivery id; pushes arriving during a rollout wait, and of those only
/// the newest is deployed. Tenants are crossed on purpose here: the tenant comes from the URL, the proof from the secret.
/// </summary>
public sealed class GitWebhookReceiver(PortalDbContext db, IDataProtectionProvider protection, ReleaseSignal signal, TimeProvider clock)
{
    /// <summary>
    /// <paramref name="readBody"/> is called only for an application that exists with a repository (an unknown address
    /// costs no read); it answers null for a body over the limit.
    /// </summary>
    public async Task<WebhookReceipt> ReceiveAsync(
        string tenant, string application, Func<string, string?> header, Func<CancellationToken, Task<byte[]?>> readBody,
        CancellationToken cancellationToken)
    {
        var target = await (from t in db.Tenants
                            join a in db.Applications.IgnoreQueryFilters() on t.Id equals a.TenantId
                            join r in db.Repositories.IgnoreQueryFilters() on a.Id equals r.ApplicationId
                            where t.Slug == tenant && a.Name == application
                            select new { a.Id, a.TenantId, a.ReleaseId, r.Branch, r.ProtectedWebhookSecret })
            .SingleOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return new(WebhookAnswer.NotFound, $"There is no application '{application}' of tenant '{tenant}' with a linked repository.");
        }

        if (await readBody(cancellationToken) is not { } body)
        {
            return new(WebhookAnswer.TooLarge, "The body is longer than a push payload may be.");
        }

        var secret = RepositorySecrets.UnprotectWebhookSecret(protection, target.ProtectedWebhookSecret);
        switch (GitWebhooks.Read(header, body, secret))
        {
            case WebhookUnauthorized unauthorized:
                return new(WebhookAnswer.Unauthorized, unauthorized.Reason);
            case WebhookRejected rejected:
                return new(WebhookAnswer.Rejected, rejected.Reason);
            case WebhookIgnored ignored:
                return new(WebhookAnswer.Ignored, ignored.Reason);
            case WebhookAccepted { Push: var push }:
                if (push.Branch != target.Branch)
                {
                    return new(WebhookAnswer.Ignored, $"A push to {push.Ref}; '{application}' deploys branch '{target.Branch}'.");
                }

                if (push.IsDeletion)
                {
                    return new(WebhookAnswer.Ignored, $"Branch '{target.Branch}' was deleted; the running release stays.");
                }

                var now = clock.GetUtcNow();
                var release = await ReleaseQueue.AddAsync(db, target.Id, push.DeliveryId, number => new Release
                {
                    TenantId = target.TenantId,
                    ApplicationId = target.Id,
                    Number = number,
                    Trigger = ReleaseTrigger.Webhook,
                    TriggeredBy = $"{push.Host} push{(push.Pusher is { } pusher ? " by " + (pusher.Length > 100 ? pusher[..100] : pusher) : "")}",
                    RequestedCommit = push.After,
                    DeliveryId = push.DeliveryId,
                    CreatedAt = now,
                }, cancellationToken);
                if (release is null)
                {
                    return new(WebhookAnswer.Duplicate, $"Delivery {push.DeliveryId} was received before; it is not deployed twice.");
                }

                signal.Queued();
                return new(WebhookAnswer.Queued, $"Release #{release.Number} of {push.After[..12]} is queued.", ReleaseView.Of(release, target.ReleaseId));
            default:
                throw new InvalidOperationException("An unknown webhook outcome.");
        }
    }
}
