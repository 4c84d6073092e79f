using Microsoft.EntityFrameworkCore;
using Portal.Core.Applications;
using Portal.Infrastructure.Metering;
using Portal.Tests.Components;

namespace Portal.Tests.Infrastructure;

/// <summary>The meter on SQLite (the default database), whose DateTimeOffset columns are stored as numbers: the same queries, the same figures.</summary>
public sealed class MeterOnSqliteTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Evening = new(2026, 3, 1, 23, 0, 0, TimeSpan.Zero);
    private AutoscalingDatabase? database;

    private AutoscalingDatabase Database => database!;

    public async ValueTask InitializeAsync() => database = await AutoscalingDatabase.CreateAsync();

    public ValueTask DisposeAsync()
    {
        database?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Running_and_ended_members_are_metered_per_day_once_and_the_mark_moves_on()
    {
        var partition = await Database.AddPartitionAsync();
        var ended = new Member { TenantId = Database.TenantId, ApplicationId = Database.ApplicationId, PartitionId = partition, CreatedAt = Evening };
        ended.MoveTo(MemberState.Starting, Evening);
        ended.MoveTo(MemberState.Faulted, Evening.AddHours(2), "Its container stopped.");
        var running = new Member { TenantId = Database.TenantId, ApplicationId = Database.ApplicationId, PartitionId = partition, CreatedAt = Evening };
        running.MoveTo(MemberState.Starting, Evening.AddMinutes(30));
        await Database.AddHistoryAsync(Database.TenantId, [ended, running]);
        var token = TestContext.Current.CancellationToken;

        await using var db = Database.Open(Database.TenantId);
        Assert.Equal(2, await Meter.MeterAsync(db, Database.ApplicationId, Evening.AddHours(3), token));
        Assert.Equal(0, await Meter.MeterAsync(db, Database.ApplicationId, Evening.AddHours(3), token)); // nothing new at the same instant
        Assert.Equal(1, await Meter.MeterAsync(db, Database.ApplicationId, Evening.AddHours(4), token));

        var usage = await db.UsageRecords.AsNoTracking().OrderBy(u => u.Day).Select(u => new { u.Day, u.MemberSeconds, u.MemoryGibSeconds }).ToListAsync(token);
        // 1 Mar: 1 h + 0.5 h; 2 Mar: 1 h + 3 h (php: 256 MB, a quarter GiB).
        Assert.Equal([new { Day = new DateOnly(2026, 3, 1), MemberSeconds = 5400.0, MemoryGibSeconds = 1350.0 }, new { Day = new DateOnly(2026, 3, 2), MemberSeconds = 14400.0, MemoryGibSeconds = 3600.0 }], usage);
        var marks = await db.Members.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.MeteredUntil, token);
        Assert.Equal((Evening.AddHours(2), Evening.AddHours(4)), (marks[ended.Id], marks[running.Id])); // the ended one at its end
    }
}
