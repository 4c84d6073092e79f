using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Applications;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>The admin dashboard's figures on real PostgreSQL: every tenant's applications, members and capacity per partition, recent failures; admins only.</summary>
public sealed class PlatformOverviewApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    [Fact]
    public async Task An_admin_sees_every_tenants_applications_capacity_and_recent_failures_and_a_tenant_does_not()
    {
        var (a, b) = (ApiClient.UniqueTenant("ova"), ApiClient.UniqueTenant("ovb"));
        using var first = await fixture.Portal.SignUpAsync(a);
        using var second = await fixture.Portal.SignUpAsync(b);
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsJsonAsync("/api/v1/applications", new { name = "web", cartridge = "php", minMembers = 2, maxMembers = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await second.PostAsJsonAsync("/api/v1/applications", new { name = "shop", cartridge = "php" })).StatusCode);

        // The reconciler does not run in this portal: a member that faulted is recorded as it would record it.
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var shop = await db.ApplicationAsync(b, "shop");
            var local = await db.Partitions.Where(p => p.Name == "local").Select(p => p.Id).SingleAsync();
            var member = new Member { TenantId = shop.TenantId, ApplicationId = shop.Id, PartitionId = local, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-2) };
            member.MoveTo(MemberState.Starting, DateTimeOffset.UtcNow.AddMinutes(-2));
            member.MoveTo(MemberState.Faulted, DateTimeOffset.UtcNow.AddMinutes(-1), "It did not pass its health check within 60 s.");
            db.Members.Add(member);
            await db.SaveChangesAsync();
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await first.GetAsync("/api/v1/admin/overview")).StatusCode);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var overview = await (await ops.GetAsync("/api/v1/admin/overview")).JsonAsync();

        var applications = overview.GetProperty("applications").EnumerateArray().ToList();
        var web = Assert.Single(applications, x => x.GetProperty("tenant").GetString() == a);
        Assert.Equal(("web", "php", 2, 0), (web.GetProperty("name").GetString(), web.GetProperty("cartridge").GetString(),
            web.GetProperty("desiredMembers").GetInt32(), web.GetProperty("activeMembers").GetInt32()));
        Assert.Equal("shop", Assert.Single(applications, x => x.GetProperty("tenant").GetString() == b).GetProperty("name").GetString());
        var tenant = Assert.Single(overview.GetProperty("tenants").EnumerateArray(), t => t.GetProperty("tenant").GetString() == a);
        Assert.Equal((1, 2), (tenant.GetProperty("applications").GetInt32(), tenant.GetProperty("desiredMembers").GetInt32()));

        // The seeded default policy lets each application put its largest maximum on local: every application counts.
        var localPartition = Assert.Single(overview.GetProperty("partitions").EnumerateArray(), p => p.GetProperty("name").GetString() == "local");
        Assert.Equal(ApplicationRules.MaxMembersLimit * applications.Count, localPartition.GetProperty("capacity").GetInt32());

        var failure = Assert.Single(overview.GetProperty("recentFailures").EnumerateArray(), f => f.GetProperty("tenant").GetString() == b);
        Assert.Equal(("shop", "Member faulted"), (failure.GetProperty("application").GetString(), failure.GetProperty("kind").GetString()));
        Assert.EndsWith("It did not pass its health check within 60 s.", failure.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(overview.GetProperty("recentFailures").EnumerateArray(), f => f.GetProperty("tenant").GetString() == a);
    }
}
