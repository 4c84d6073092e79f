using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Monitoring;
using Portal.Infrastructure.Monitoring;
using Portal.Tests.Components;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The retention job on SQLite (the default database, whose times are stored as numbers): old raw samples of every
/// tenant become 5-minute averages, samples older than the retention go, recent ones stay as they are.
/// </summary>
public sealed class MetricRetentionOnSqliteTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private AutoscalingDatabase? database;

    private AutoscalingDatabase Database => database!;

    public async ValueTask InitializeAsync() => database = await AutoscalingDatabase.CreateAsync();

    public ValueTask DisposeAsync()
    {
        database?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Old_samples_are_averaged_per_span_ancient_ones_removed_and_recent_ones_kept()
    {
        var token = TestContext.Current.CancellationToken;
        var member = Guid.NewGuid();
        await using (var seed = Database.OpenForPlatform())
        {
            // Two hours ago: four readings of a member in one span (CPU 10, 20, 30 and one without CPU) and one of the application.
            var twoHoursAgo = Now.AddHours(-2);
            seed.MetricSamples.AddRange(
                Sample(Database.TenantId, Database.ApplicationId, member, twoHoursAgo, 10, 1),
                Sample(Database.TenantId, Database.ApplicationId, member, twoHoursAgo.AddSeconds(5), 20, 2),
                Sample(Database.TenantId, Database.ApplicationId, member, twoHoursAgo.AddSeconds(10), 30, 3),
                Sample(Database.TenantId, Database.ApplicationId, member, twoHoursAgo.AddSeconds(15), null, 6),
                Sample(Database.TenantId, Database.ApplicationId, null, twoHoursAgo, 20, 4),
                // The next span: an average of its own.
                Sample(Database.TenantId, Database.ApplicationId, member, twoHoursAgo.AddMinutes(5), 50, 5),
                // Another tenant's, two hours ago too; a sample older than a week; a recent one.
                Sample(Database.OtherTenantId, Database.OtherApplicationId, null, twoHoursAgo.AddMinutes(1), 50, 8),
                Sample(Database.TenantId, Database.ApplicationId, null, Now.AddDays(-8), 99, 9),
                Sample(Database.TenantId, Database.ApplicationId, member, Now.AddMinutes(-10), 70, 1));
            await seed.SaveChangesAsync(token);
        }

        await using var db = Database.OpenForPlatform();
        var job = new MetricRetentionJob(db, Options.Create(new HealthOptions()), new FixedClock(Now), NullLogger<MetricRetentionJob>.Instance);
        Assert.Equal((7, 1), await job.RunOnceAsync(token));
        Assert.Equal((0, 0), await job.RunOnceAsync(token)); // nothing left to do

        var kept = await db.MetricSamples.IgnoreQueryFilters().AsNoTracking().ToListAsync(token);
        var averaged = kept.Where(s => s.Seconds == 300).OrderBy(s => s.TenantId == Database.TenantId).ThenBy(s => s.MemberId.HasValue).ThenBy(s => s.At).ToList();
        Assert.Equal(4, averaged.Count);
        Assert.Equal((Database.OtherTenantId, 50.0, 8.0), (averaged[0].TenantId, averaged[0].CpuPercent, averaged[0].RequestsPerSecond));
        Assert.Equal(((Guid?)null, 20.0), (averaged[1].MemberId, averaged[1].CpuPercent));
        Assert.Equal((member, 20.0, 3.0, Now.AddHours(-2)), (averaged[2].MemberId, averaged[2].CpuPercent, averaged[2].RequestsPerSecond, averaged[2].At));
        Assert.Equal((member, 50.0, Now.AddHours(-2).AddMinutes(5)), (averaged[3].MemberId, averaged[3].CpuPercent, averaged[3].At));
        var raw = Assert.Single(kept, s => s.Seconds == 0);
        Assert.Equal(70.0, raw.CpuPercent);
        Assert.DoesNotContain(kept, s => s.CpuPercent == 99);

        // The tenant reads its own samples only.
        await using var tenant = Database.Open(Database.TenantId);
        Assert.DoesNotContain(await tenant.MetricSamples.ToListAsync(token), s => s.TenantId != Database.TenantId);
    }

    private static MetricSample Sample(Guid tenant, Guid application, Guid? member, DateTimeOffset at, double? cpu, double rate) => new()
    {
        TenantId = tenant, ApplicationId = application, MemberId = member, At = at, CpuPercent = cpu, MemoryPercent = 40, RequestsPerSecond = rate,
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
