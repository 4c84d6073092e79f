using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Applications;

/// <summary>The portal starts and serves without any Docker engine, and says why applications do not run.</summary>
public sealed class NoEngineTests
{
    [Fact]
    public async Task Without_an_engine_the_portal_works_and_reports_the_partition_unreachable()
    {
        await using var database = await PostgresDatabase.RequireAsync();
        var data = Directory.CreateTempSubdirectory("portal-test-");
        try
        {
            await using var portal = new PortalFactory(database.ConnectionString, data.FullName, reconcile: true, settings: new Dictionary<string, string>
            {
                ["Portal:Docker:Endpoint"] = "unix:///var/run/portal-test-no-engine.sock",
            });
            using var anonymous = portal.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);

            using var tenant = await portal.SignUpAsync(ApiClient.UniqueTenant("offline"));
            await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php" });
            var web = await tenant.WaitForAsync("web", a => a.GetProperty("status").GetString() == "failing", seconds: 20);
            Assert.Contains("cannot be placed", web.GetProperty("problem").GetString());
            Assert.Equal(0, web.GetProperty("members").GetArrayLength());

            using var ops = await portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
            var local = (await (await ops.GetAsync("/api/v1/admin/partitions")).JsonAsync()).EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == "local");
            Assert.False(local.GetProperty("status").GetProperty("reachable").GetBoolean());
            Assert.Equal("unix:///var/run/portal-test-no-engine.sock cannot be reached: the socket /var/run/portal-test-no-engine.sock does not exist (is the engine running?).",
                local.GetProperty("status").GetProperty("reason").GetString());
            Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsJsonAsync("/api/v1/applications/web/scale", new { members = 1 })).StatusCode);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
