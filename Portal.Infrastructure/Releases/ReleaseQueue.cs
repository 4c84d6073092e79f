using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Core.Releases;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Releases;

/// <summary>Wakes the <see cref="ReleaseWorker"/> when a release is queued (it also looks every second anyway).</summary>
public sealed class ReleaseSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Queued() => channel.Writer.TryWrite(true);

    /// <summary>Waits for <see cref="Queued"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await channel.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Adds releases with the application's next number, for users, webhooks and polling alike.</summary>
public static class ReleaseQueue
{
    /// <summary>Queued or on its way (fetching up to draining): not ended.</summary>
    public static IQueryable<Release> Unfinished(this IQueryable<Release> releases) =>
        releases.Where(r => r.State != ReleaseState.Succeeded && r.State != ReleaseState.Failed && r.State != ReleaseState.Superseded);

    /// <summary>
    /// Queues the release <paramref name="make"/> builds for the next number (retrying when another was queued at the
    /// same moment); null when <paramref name="deliveryId"/> was queued before (a redelivered webhook).
    /// </summary>
    public static async Task<Release?> AddAsync(
        PortalDbContext db, Guid applicationId, string? deliveryId, Func<int, Release> make, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (deliveryId is not null && await db.Releases.IgnoreQueryFilters()
                    .AnyAsync(r => r.ApplicationId == applicationId && r.DeliveryId == deliveryId, cancellationToken))
            {
                return null;
            }

            var number = await db.Releases.IgnoreQueryFilters().Where(r => r.ApplicationId == applicationId)
                .MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0;
            var release = make(number + 1);
            db.Releases.Add(release);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return release;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                db.Entry(release).State = EntityState.Detached;
            }
        }
    }
}

/// <summary>A repository's password and its webhook secret, encrypted with ASP.NET Data Protection before they are stored.</summary>
public static class RepositorySecrets
{
    private const string PasswordPurpose = "Portal.Git.Password.v1";
    private const string WebhookPurpose = "Portal.Git.WebhookSecret.v1";

    /// <summary>A new webhook secret: 32 random bytes as hex (what git hosts accept in their secret field).</summary>
    public static string NewWebhookSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string ProtectPassword(IDataProtectionProvider protection, string password) =>
        protection.CreateProtector(PasswordPurpose).Protect(password);

    public static string UnprotectPassword(IDataProtectionProvider protection, string protectedPassword) =>
        protection.CreateProtector(PasswordPurpose).Unprotect(protectedPassword);

    /// <summary>The stored repository as a link to fetch, its password decrypted.</summary>
    public static Result<RepositoryLink> LinkOf(IDataProtectionProvider protection, LinkedRepository repository) =>
        RepositoryLink.Create(repository.Url, repository.Branch, repository.Username,
            repository.ProtectedPassword is { } stored ? UnprotectPassword(protection, stored) : null);

    public static string ProtectWebhookSecret(IDataProtectionProvider protection, string secret) =>
        protection.CreateProtector(WebhookPurpose).Protect(secret);

    public static string UnprotectWebhookSecret(IDataProtectionProvider protection, string protectedSecret) =>
        protection.CreateProtector(WebhookPurpose).Unprotect(protectedSecret);
}
