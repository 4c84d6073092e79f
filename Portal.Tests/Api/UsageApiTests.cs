using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Applications;
using Portal.Infrastructure.Metering;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>
/// Metered usage over the API on real PostgreSQL: members recorded as the reconciler records them (it is off here),
/// metered by the real <see cref="Meter"/>, read per day and application as JSON and CSV; another tenant never sees it.
/// </summary>
public sealed class UsageApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private static readonly DateTimeOffset Jan10Evening = new(2026, 1, 10, 22, 0, 0, TimeSpan.Zero);

    private CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Records members of the tenant's application, each started at its start and, when given, ended (terminated, or faulted) at its end.</summary>
    private async Task SeedMembersAsync(string tenant, string application, params (DateTimeOffset Start, DateTimeOffset? End, bool Faulted)[] members)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var tenantId = await db.Tenants.Where(t => t.Slug == tenant).Select(t => t.Id).SingleAsync(Token);
        var app = await db.Applications.IgnoreQueryFilters().SingleAsync(a => a.TenantId == tenantId && a.Name == application, Token);
        var partition = await db.Partitions.OrderBy(p => p.Name).Select(p => p.Id).FirstAsync(Token);
        foreach (var (start, end, faulted) in members)
        {
            var member = new Member { TenantId = tenantId, ApplicationId = app.Id, PartitionId = partition, CreatedAt = start.AddSeconds(-2) };
            member.MoveTo(MemberState.Starting, start);
            if (end is { } at)
            {
                member.MoveTo(faulted ? MemberState.Faulted : MemberState.Terminated, at, faulted ? "Its container stopped." : null);
            }

            db.Members.Add(member);
        }

        await db.SaveChangesAsync(Token);
    }

    private Task MeterAsync() => fixture.Portal.Services.GetRequiredService<Meter>().RunOnceAsync(Token);

    private static async Task<HttpClient> WithWebAsync(HttpClient client)
    {
        using var created = await client.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php" }); // 256 MB members
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return client;
    }

    private static async Task<HttpResponseMessage> CsvAsync(HttpClient client, string uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        return await client.SendAsync(request);
    }

    private static List<(string Date, string? Tenant, string Application, double Seconds, double Gib)> Rows(JsonElement usage) =>
    [
        .. usage.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("date").GetString()!,
            r.GetProperty("tenant").ValueKind == JsonValueKind.Null ? null : r.GetProperty("tenant").GetString(),
            r.GetProperty("application").GetString()!, r.GetProperty("memberSeconds").GetDouble(), r.GetProperty("memoryGibSeconds").GetDouble())),
    ];

    [Fact]
    public async Task Running_time_is_split_per_UTC_day_counted_once_and_served_as_JSON_and_CSV()
    {
        var tenant = ApiClient.UniqueTenant("usage");
        using var client = await WithWebAsync(await fixture.Portal.SignUpAsync(tenant));
        await SeedMembersAsync(tenant, "web",
            (Jan10Evening, Jan10Evening.AddHours(4), false), // 2 h on the 10th, 2 h on the 11th
            (Jan10Evening.AddHours(2), Jan10Evening.AddHours(3), true), // faulted after 1 h on the 11th
            (Jan10Evening.AddHours(5), null, false)); // still running: every day since, up to now

        await MeterAsync();
        await MeterAsync(); // a second run adds only what ran meanwhile (the running member), never the ended members again

        using var response = await client.GetAsync("/api/v1/usage?from=2026-01-10&to=2026-01-11", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = await response.JsonAsync();
        // The 11th: 2 h + 1 h + the running member's 21 h from 03:00: a whole day.
        Assert.Equal([("2026-01-10", null, "web", 7200.0, 1800.0), ("2026-01-11", null, "web", 86400.0, 21600.0)], Rows(usage));
        Assert.Equal((93600.0, 23400.0), (usage.GetProperty("memberSeconds").GetDouble(), usage.GetProperty("memoryGibSeconds").GetDouble()));
        Assert.Equal(("2026-01-10", "2026-01-11"), (usage.GetProperty("from").GetString(), usage.GetProperty("to").GetString()));

        using var csv = await CsvAsync(client, "/api/v1/usage?from=2026-01-10&to=2026-01-11");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", csv.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"usage-{tenant}-2026-01-10-2026-01-11.csv", csv.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        Assert.Equal("date,application,member_seconds,memory_gib_seconds\r\n2026-01-10,web,7200,1800\r\n2026-01-11,web,86400,21600\r\n",
            await csv.Content.ReadAsStringAsync(Token));

        // One day alone; the default period (the last 30 days) holds only the running member's recent days.
        Assert.Equal(["2026-01-11"], Rows(await (await client.GetAsync("/api/v1/usage?from=2026-01-11&to=2026-01-11", Token)).JsonAsync()).Select(r => r.Date));
        var recent = Rows(await (await client.GetAsync("/api/v1/usage", Token)).JsonAsync());
        Assert.Equal(30, recent.Count);
        Assert.All(recent.SkipLast(1), r => Assert.Equal(86400.0, r.Seconds));
    }

    [Theory]
    [InlineData("from=2026-02-30", "from")]
    [InlineData("from=10.01.2026", "from")]
    [InlineData("to=tomorrow", "to")]
    [InlineData("from=2026-01-12&to=2026-01-11", "from")]
    [InlineData("from=2025-01-01&to=2026-01-11", "to")]
    public async Task A_bad_date_a_reversed_or_over_366_days_period_is_a_problem_naming_the_field(string query, string field)
    {
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("usagebad"));
        foreach (var response in new[] { await client.GetAsync($"/api/v1/usage?{query}", Token), await CsvAsync(client, $"/api/v1/usage?{query}") })
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
                var errors = (await response.JsonAsync()).GetProperty("errors");
                Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
            }
        }
    }

    [Fact]
    public async Task Another_tenant_never_sees_a_tenants_usage_and_only_platform_admins_see_every_tenants()
    {
        var owner = ApiClient.UniqueTenant("usageown");
        var other = ApiClient.UniqueTenant("usageoth");
        using var ownerClient = await WithWebAsync(await fixture.Portal.SignUpAsync(owner));
        using var otherClient = await WithWebAsync(await fixture.Portal.SignUpAsync(other)); // an application of the same name
        var day = new DateTimeOffset(2026, 2, 3, 10, 0, 0, TimeSpan.Zero);
        await SeedMembersAsync(owner, "web", (day, day.AddHours(1), false));
        await SeedMembersAsync(other, "web", (day, day.AddMinutes(30), false));
        await MeterAsync();
        const string Period = "from=2026-02-03&to=2026-02-03";

        Assert.Equal([("2026-02-03", null, "web", 3600.0, 900.0)], Rows(await (await ownerClient.GetAsync($"/api/v1/usage?{Period}", Token)).JsonAsync()));
        Assert.Equal([("2026-02-03", null, "web", 1800.0, 450.0)], Rows(await (await otherClient.GetAsync($"/api/v1/usage?{Period}", Token)).JsonAsync()));
        using var otherCsv = await CsvAsync(otherClient, $"/api/v1/usage?{Period}");
        Assert.Equal("date,application,member_seconds,memory_gib_seconds\r\n2026-02-03,web,1800,450\r\n", await otherCsv.Content.ReadAsStringAsync(Token));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherClient.GetAsync($"/api/v1/admin/usage?{Period}", Token)).StatusCode);

        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var all = Rows(await (await ops.GetAsync($"/api/v1/admin/usage?{Period}", Token)).JsonAsync());
        Assert.Contains(("2026-02-03", owner, "web", 3600.0, 900.0), all);
        Assert.Contains(("2026-02-03", other, "web", 1800.0, 450.0), all);
        using var adminCsv = await CsvAsync(ops, $"/api/v1/admin/usage?{Period}");
        Assert.Equal($"usage-all-2026-02-03-2026-02-03.csv", adminCsv.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var lines = (await adminCsv.Content.ReadAsStringAsync(Token)).Split("\r\n");
        Assert.Equal("tenant,date,application,member_seconds,memory_gib_seconds", lines[0]);
        Assert.Contains($"{owner},2026-02-03,web,3600,900", lines);
        Assert.Contains($"{other},2026-02-03,web,1800,450", lines);
    }

    [Fact]
    public async Task Deleting_an_application_meters_its_members_first_and_keeps_its_usage()
    {
        var tenant = ApiClient.UniqueTenant("usagedel");
        using var client = await WithWebAsync(await fixture.Portal.SignUpAsync(tenant));
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        await SeedMembersAsync(tenant, "web", (started, null, false));

        var before = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/web", Token)).StatusCode);
        var after = DateTimeOffset.UtcNow;

        // No meter ran: the deletion metered the running member up to its own instant before removing it.
        var rows = Rows(await (await client.GetAsync($"/api/v1/usage?from={started:yyyy-MM-dd}", Token)).JsonAsync());
        var seconds = rows.Sum(r => r.Seconds);
        Assert.InRange(seconds, (before - started).TotalSeconds - 0.01, (after - started).TotalSeconds + 0.01);
        Assert.Equal(seconds / 4, rows.Sum(r => r.Gib), precision: 6);
        Assert.All(rows, r => Assert.Equal("web", r.Application));

        await MeterAsync(); // its members are gone: nothing more is added, and the usage stays
        Assert.Equal(seconds, Rows(await (await client.GetAsync($"/api/v1/usage?from={started:yyyy-MM-dd}", Token)).JsonAsync()).Sum(r => r.Seconds));
    }

    [Fact]
    public async Task The_browsers_CSV_download_takes_the_sign_in_cookie_only()
    {
        using var anonymous = fixture.Portal.CreateClient(new() { AllowAutoRedirect = false });
        using var bearerOnly = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("usagecsv"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/usage/export.csv");
        request.Headers.Authorization = bearerOnly.DefaultRequestHeaders.Authorization;

        foreach (var response in new[] { await anonymous.GetAsync("/usage/export.csv", Token), await anonymous.SendAsync(request, Token) })
        {
            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.Unauthorized
                                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/Account/Login", StringComparison.Ordinal)),
                    $"{response.StatusCode} {response.Headers.Location}");
                Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }
}
