using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Applications;

/// <summary>
/// A tenant's view of what happened to its applications: the event timeline and up and down time, read off the
/// members, releases and scaling decisions (tenant-filtered: another tenant's application is not found).
/// </summary>
public sealed class ApplicationHistory(PortalDbContext db, TimeProvider clock)
{
    /// <summary>How far back the timeline looks when the caller does not say.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);

    public const int MaxEvents = 1000;

    /// <summary>The application's events since <paramref name="since"/> (default: a week), newest first; null when there is no such application.</summary>
    public async Task<IReadOnlyList<ApplicationEvent>?> EventsAsync(string application, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        if (await IdAsync(application, cancellationToken) is not { } id)
        {
            return null;
        }

        var from = since?.ToUniversalTime() ?? clock.GetUtcNow() - DefaultPeriod; // the providers store UTC
        var members = await MembersSinceAsync(id, from, cancellationToken);
        var releases = await db.Releases.AsNoTracking()
            .Where(r => r.ApplicationId == id && (r.CreatedAt >= from || r.FinishedAt == null || r.FinishedAt >= from))
            .ToListAsync(cancellationToken);
        var decisions = await db.ScalingDecisions.AsNoTracking()
            .Where(d => d.ApplicationId == id && d.At >= from)
            .OrderByDescending(d => d.At)
            .Take(MaxEvents)
            .ToListAsync(cancellationToken);
        return ApplicationEvents.Timeline(members, releases, decisions, from, Math.Clamp(limit, 1, MaxEvents));
    }

    /// <summary>The application's up and down time over the last <paramref name="period"/>; null when there is no such application.</summary>
    public async Task<ApplicationAvailability?> AvailabilityAsync(string application, TimeSpan period, CancellationToken cancellationToken)
    {
        var found = await db.Applications.AsNoTracking().Where(a => a.Name == application)
            .Select(a => new { a.Id, a.CreatedAt }).SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var to = clock.GetUtcNow();
        var from = to - period;
        return ApplicationAvailability.Of(await MembersSinceAsync(found.Id, from, cancellationToken), found.CreatedAt, from, to);
    }

    private Task<Guid?> IdAsync(string application, CancellationToken cancellationToken) =>
        db.Applications.Where(a => a.Name == application).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Members alive at some point since <paramref name="from"/>.</summary>
    private Task<List<Member>> MembersSinceAsync(Guid application, DateTimeOffset from, CancellationToken cancellationToken) =>
        db.Members.AsNoTracking()
            .Where(m => m.ApplicationId == application && (m.TerminatedAt == null || m.TerminatedAt >= from))
            .ToListAsync(cancellationToken);
}
