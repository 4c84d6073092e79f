using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Applications;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>
/// Partitions and network partitions are edited and deleted by platform admins on real PostgreSQL: a delete of one in
/// use is refused naming the policies and applications that use it; once free it goes, and the members it once ran
/// keep their history. The partitions here are unix sockets nobody listens on: nothing runs, the rules are the point.
/// </summary>
public sealed class PartitionAdminApiTests(PostgresPortalFixture fixture) : IClassFixture<PostgresPortalFixture>
{
    private static string Detail(System.Text.Json.JsonElement problem) => problem.GetProperty("detail").GetString()!;

    private static string Error(System.Text.Json.JsonElement problem, string field) =>
        string.Join(" ", problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));

    [Fact]
    public async Task A_partition_named_by_a_policy_or_holding_a_database_is_kept_and_a_free_one_is_deleted_with_its_history_kept()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (name, network, policy) = ($"edge-{suffix}", $"dc-{suffix}", $"edge-{suffix}");
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/admin/partitions", new
        {
            name, networkPartition = network, endpoint = $"unix:///run/portal-test-{suffix}.sock",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", new
        {
            algorithm = "roundRobin", partitions = new object[] { new { partition = name, maxMembers = 2 } },
        })).StatusCode);
        var tenant = ApiClient.UniqueTenant("edge");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "db", cartridge = "mysql", deploymentPolicy = policy })).StatusCode);

        // The reconciler does not run in this portal: the database's data is put on the partition, and a member of it
        // ran there and ended, as the reconciler records them.
        Guid memberId, activeId;
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var app = await db.ApplicationAsync(tenant, "db");
            var partitionId = await db.Partitions.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
            app.DataPartitionId = partitionId;
            var member = new Member { TenantId = app.TenantId, ApplicationId = app.Id, PartitionId = partitionId, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-3) };
            member.MoveTo(MemberState.Starting, DateTimeOffset.UtcNow.AddMinutes(-3));
            member.MoveTo(MemberState.Faulted, DateTimeOffset.UtcNow.AddMinutes(-2), "Its container stopped.");
            member.MoveTo(MemberState.Terminated, DateTimeOffset.UtcNow.AddMinutes(-1));
            db.Members.Add(member);
            await db.SaveChangesAsync();
            memberId = member.Id;
        }

        var refused = await ops.DeleteAsync($"/api/v1/admin/partitions/{name}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal($"'{name}' is in use: the deployment policies {policy} name it (take it out of them); {tenant}/db have members or data on it "
                     + "(they move when no policy names it; data stays until its application is deleted).", Detail(await refused.JsonAsync()));

        var networkRefused = await ops.DeleteAsync($"/api/v1/admin/network-partitions/{network}");
        Assert.Equal(HttpStatusCode.Conflict, networkRefused.StatusCode);
        Assert.Equal($"'{network}' holds the partitions {name}. Delete them or move them to another network partition first.", Detail(await networkRefused.JsonAsync()));

        // Its engine cannot change under the database's volume; its network partition and certificates can.
        var moved = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { networkPartition = network, endpoint = $"unix:///run/portal-other-{suffix}.sock" });
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.StartsWith($"{tenant}/db have members or data on unix:///run/portal-test-{suffix}.sock", Error(await moved.JsonAsync(), "endpoint"));
        var regrouped = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { networkPartition = $"{network}-b", endpoint = $"unix:///run/portal-test-{suffix}.sock" });
        Assert.Equal(HttpStatusCode.OK, regrouped.StatusCode);
        Assert.Equal($"{network}-b", (await regrouped.JsonAsync()).GetProperty("networkPartition").GetString());
        var networks = await ops.GetFromJsonAsync<List<NetworkRow>>("/api/v1/admin/network-partitions") ?? [];
        Assert.Equal([name], Assert.Single(networks, n => n.Name == $"{network}-b").Partitions);
        Assert.Empty(Assert.Single(networks, n => n.Name == network).Partitions);
        Assert.Contains(networks, n => n.Name == "local" && n.Partitions.Contains("local"));
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/admin/network-partitions/{network}")).StatusCode);

        // Free: the policy names another partition and the database is deleted.
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", new
        {
            algorithm = "roundRobin", partitions = new object[] { new { partition = "local", maxMembers = 2 } },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/applications/db")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/applications", new { name = "site", cartridge = "php", deploymentPolicy = policy })).StatusCode);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var siteApp = await db.ApplicationAsync(tenant, "site");
            var partitionId = await db.Partitions.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
            var old = new Member { TenantId = siteApp.TenantId, ApplicationId = siteApp.Id, PartitionId = partitionId, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-3) };
            old.MoveTo(MemberState.Starting, DateTimeOffset.UtcNow.AddMinutes(-3));
            old.MoveTo(MemberState.Active, DateTimeOffset.UtcNow.AddMinutes(-2));
            var crashed = new Member { TenantId = siteApp.TenantId, ApplicationId = siteApp.Id, PartitionId = partitionId, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-3) };
            crashed.MoveTo(MemberState.Starting, DateTimeOffset.UtcNow.AddMinutes(-3));
            crashed.MoveTo(MemberState.Faulted, DateTimeOffset.UtcNow.AddMinutes(-2), "Its container stopped.");
            db.Members.AddRange(old, crashed);
            await db.SaveChangesAsync();
            memberId = crashed.Id;
            activeId = old.Id;
        }

        // An Active member's container is there: kept until it has gone. A faulted one's is removed by the reconciler.
        var running = await ops.DeleteAsync($"/api/v1/admin/partitions/{name}");
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Contains($"{tenant}/site have members or data on it", Detail(await running.JsonAsync()));
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var old = await db.Members.IgnoreQueryFilters().SingleAsync(m => m.Id == activeId);
            old.MoveTo(MemberState.Draining, DateTimeOffset.UtcNow);
            old.MoveTo(MemberState.Terminated, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/admin/partitions/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/admin/partitions/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"/api/v1/admin/partitions/{name}")).StatusCode);
        Assert.DoesNotContain(await ops.GetFromJsonAsync<List<NetworkRow>>("/api/v1/admin/network-partitions") ?? [], n => n.Name == $"{network}-b");

        // The member it ran stays in the application's history, its partition shown as deleted.
        var events = await (await client.GetAsync("/api/v1/applications/site/events")).JsonAsync();
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("member").GetString() == memberId.ToString());
        var site = await (await client.GetAsync("/api/v1/applications/site")).JsonAsync();
        var shown = site.GetProperty("members").EnumerateArray().Concat(site.GetProperty("recentlyFaulted").EnumerateArray());
        Assert.Equal("(deleted)", Assert.Single(shown, m => m.GetProperty("id").GetString() == memberId.ToString()).GetProperty("partition").GetString());
    }

    [Fact]
    public async Task Editing_and_deleting_partitions_checks_the_input_and_keeps_what_the_portal_ships()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = $"spare-{suffix}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name, endpoint = $"unix:///run/spare-{suffix}.sock" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"twin-{suffix}", endpoint = $"unix:///run/twin-{suffix}.sock" })).StatusCode);

        var badEndpoint = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { endpoint = "http://10.0.0.5:2375" });
        Assert.Equal(HttpStatusCode.BadRequest, badEndpoint.StatusCode);
        Assert.Contains("unix://", Error(await badEndpoint.JsonAsync(), "endpoint"));
        var badNetwork = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { networkPartition = "Not A Name", endpoint = $"unix:///run/spare-{suffix}.sock" });
        Assert.Equal(HttpStatusCode.BadRequest, badNetwork.StatusCode);
        Assert.NotEmpty(Error(await badNetwork.JsonAsync(), "networkPartition"));
        var missing = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { networkPartition = "local" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var twin = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { endpoint = $"unix:///run/twin-{suffix}.sock" });
        Assert.Equal(HttpStatusCode.Conflict, twin.StatusCode);
        Assert.Contains($"'twin-{suffix}'", Error(await twin.JsonAsync(), "endpoint"));

        var changed = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { endpoint = $"unix:///run/spare-{suffix}-2.sock" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.JsonAsync();
        Assert.Equal(($"unix:///run/spare-{suffix}-2.sock", "local"), (body.GetProperty("endpoint").GetString(), body.GetProperty("networkPartition").GetString()));

        Assert.Equal(HttpStatusCode.Conflict, (await ops.PutAsJsonAsync("/api/v1/admin/partitions/local", new { endpoint = $"unix:///run/elsewhere-{suffix}.sock" })).StatusCode);
        Assert.Equal("'local' is the portal's own engine; it stays.", Detail(await (await ops.DeleteAsync("/api/v1/admin/partitions/local")).JsonAsync()));
        Assert.Equal("'local' holds the portal's own engine; it stays.", Detail(await (await ops.DeleteAsync("/api/v1/admin/network-partitions/local")).JsonAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PutAsJsonAsync("/api/v1/admin/partitions/nothing-here", new { endpoint = "unix:///run/x.sock" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync("/api/v1/admin/partitions/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync("/api/v1/admin/network-partitions/nothing-here")).StatusCode);

        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("spare"));
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PutAsJsonAsync($"/api/v1/admin/partitions/{name}", new { endpoint = "unix:///run/x.sock" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/v1/admin/network-partitions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.DeleteAsync("/api/v1/admin/network-partitions/local")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/admin/partitions/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/v1/admin/partitions/twin-{suffix}")).StatusCode);
        Assert.Contains(await ops.GetFromJsonAsync<List<NetworkRow>>("/api/v1/admin/network-partitions") ?? [], n => n.Name == "local");
    }

    [Fact]
    public async Task A_deployment_policys_bad_rows_are_each_named_and_nothing_is_stored()
    {
        var policy = $"rows-{Guid.NewGuid().ToString("N")[..6]}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);

        var bad = await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/{policy}", new
        {
            algorithm = "roundRobin",
            partitions = new object[]
            {
                new { partition = "local", maxMembers = 0 }, new { partition = "local", maxMembers = 500 }, new { partition = "atlantis", maxMembers = 2 },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.JsonAsync();
        Assert.Equal("Between 1 and 20.", Error(problem, "partitions[0].maxMembers"));
        Assert.Equal("Between 1 and 20.", Error(problem, "partitions[1].maxMembers"));
        Assert.Equal("'local' is named above already: name each partition once.", Error(problem, "partitions[1].partition"));
        Assert.Equal("There is no partition named 'atlantis'.", Error(problem, "partitions[2].partition"));
        Assert.DoesNotContain(await ops.GetFromJsonAsync<List<NameRow>>("/api/v1/deployment-policies") ?? [], p => p.Name == policy);
    }

    private sealed record NetworkRow(string Name, List<string> Partitions);

    private sealed record NameRow(string Name);
}
