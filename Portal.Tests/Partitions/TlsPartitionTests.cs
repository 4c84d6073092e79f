using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Partitions;

/// <summary>
/// A partition reached over TCP with TLS (the second engine's TLS listener) runs members like any other, and one
/// engine added twice (by socket and by TCP) is used once: the later partition reports why it is not used.
/// Its own fixture (its own portal), so no other test's partitions are in the way.
/// </summary>
public sealed class TlsPartitionTests(TwoEnginesFixture fixture) : IClassFixture<TwoEnginesFixture>
{
    [Fact]
    public async Task Members_run_on_a_TCP_partition_over_TLS_and_the_same_engine_added_again_is_not_used_twice()
    {
        var endpoint = Environment.GetEnvironmentVariable("PORTAL_DOCKER_TLS_B");
        var certificates = Environment.GetEnvironmentVariable("PORTAL_DOCKER_TLS_CERTS");
        if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(certificates))
        {
            TestServices.Unavailable("The second engine's TLS endpoint (PORTAL_DOCKER_TLS_B, PORTAL_DOCKER_TLS_CERTS)");
        }

        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var added = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = "tls-b", endpoint, tlsCertificateDirectory = certificates });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var tested = await (await ops.PostAsync("/api/v1/admin/partitions/tls-b/test", null)).JsonAsync();
        Assert.True(tested.GetProperty("reachable").GetBoolean(), tested.ToString());
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/over-tls", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "tls-b", maxMembers = 3 } },
        })).StatusCode);

        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("tls"));
        await tenant.CreateApplicationAsync(new { name = "remote", cartridge = "php", minMembers = 2, maxMembers = 2, deploymentPolicy = "over-tls" });
        var running = await tenant.WaitUntilRunningAsync("remote", 2);
        Assert.All(running.GetProperty("members").EnumerateArray(), m => Assert.Equal("tls-b", m.GetProperty("partition").GetString()));
        foreach (var member in running.MemberIds())
        {
            Assert.Single(await fixture.ContainersOfAsync(fixture.EngineB, member));
        }

        // The same engine through its unix socket: the later partition is the one left out, and nothing is removed.
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = "sock-b", endpoint = fixture.EndpointB })).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? reason = null;
        while (DateTime.UtcNow < deadline && reason is null)
        {
            var partitions = await (await ops.GetAsync("/api/v1/admin/partitions")).JsonAsync();
            var status = partitions.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "sock-b").GetProperty("status");
            if (status.ValueKind == System.Text.Json.JsonValueKind.Object && !status.GetProperty("reachable").GetBoolean())
            {
                reason = status.GetProperty("reason").GetString();
            }

            await Task.Delay(250);
        }

        Assert.Equal($"{fixture.EndpointB} is the same Docker engine as partition 'tls-b'; only 'tls-b' is used.", reason);
        await PassesAsync(ops, 3); // the reconciler has looked at both partitions a few more times
        var after = await tenant.WaitUntilRunningAsync("remote", 2);
        Assert.Equal(running.MemberIds().Order(), after.MemberIds().Order());
        Assert.Empty(after.GetProperty("recentlyFaulted").EnumerateArray());
    }

    /// <summary>Waits until the reconciler has checked the partitions <paramref name="count"/> more times.</summary>
    private static async Task PassesAsync(HttpClient ops, int count)
    {
        async Task<DateTimeOffset> CheckedAtAsync() =>
            (await (await ops.GetAsync("/api/v1/admin/partitions")).JsonAsync()).EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "sock-b").GetProperty("status").GetProperty("checkedAt").GetDateTimeOffset();

        for (var seen = 0; seen < count; seen++)
        {
            var before = await CheckedAtAsync();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (await CheckedAtAsync() == before)
            {
                Assert.True(DateTime.UtcNow < deadline, "the reconciler stopped checking the partitions");
                await Task.Delay(200);
            }
        }
    }
}
