using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Docker;
using Portal.Tests.Autoscaling;
using Portal.Tests.Releases;
using Portal.Tests.Routing;
using Portal.Tests.Support;

namespace Portal.Tests.Partitions;

/// <summary>
/// The portal (on a fresh database, its reconciler running) with a second Docker engine it can add as a partition
/// (<c>PORTAL_DOCKER_HOST_B</c>, started by <c>scripts/start-services.sh --second-engine</c>). The built-in
/// cartridges' images are copied from the first engine to the second when the second's differ.
/// </summary>
public sealed class TwoEnginesFixture : IAsyncLifetime
{
    private static readonly string[] Images = ["portal/php:8.2", "portal/mysql:10.11"];
    private readonly RuntimePortalFixture runtime = new();
    private DockerEngines? engines;
    private string? unavailable;
    private bool started;

    public string EndpointB { get; private set; } = "";

    /// <summary>The portal; skips the test (fails it under CI) when the second engine is not there.</summary>
    public RuntimePortalFixture Runtime
    {
        get
        {
            if (unavailable is not null)
            {
                TestServices.Unavailable(unavailable);
            }

            return runtime;
        }
    }

    public PortalFactory Portal => Runtime.Portal;

    public IDockerClient EngineA => Runtime.Docker;

    public IDockerClient EngineB => (engines ?? throw new InvalidOperationException("Not initialized.")).Local;

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("PORTAL_DOCKER_HOST_B") is not { Length: > 0 } endpoint)
        {
            unavailable = "A second Docker engine (PORTAL_DOCKER_HOST_B)";
            return;
        }

        EndpointB = endpoint;
        engines = new DockerEngines(Options.Create(new DockerOptions { Endpoint = endpoint }));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await engines.Local.System.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or DockerApiException
                                       or System.Net.Sockets.SocketException)
        {
            unavailable = $"The second Docker engine at {endpoint} ({e.Message})";
            return;
        }

        await runtime.InitializeAsync();
        started = true;
        foreach (var image in Images)
        {
            await CopyToEngineBAsync(image);
        }
    }

    /// <summary>docker save on the first engine, docker load on the second, unless the second has that very image.</summary>
    private async Task CopyToEngineBAsync(string image)
    {
        var onA = (await EngineA.Images.InspectImageAsync(image)).ID;
        try
        {
            if ((await EngineB.Images.InspectImageAsync(image)).ID == onA)
            {
                return;
            }
        }
        catch (DockerImageNotFoundException)
        {
        }

        var archive = Path.GetTempFileName();
        try
        {
            await using (var saved = await EngineA.Images.SaveImageAsync(image, CancellationToken.None))
            await using (var file = File.Create(archive))
            {
                await saved.CopyToAsync(file);
            }

            var errors = new List<string>();
            await using (var file = File.OpenRead(archive))
            {
                await EngineB.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, file,
                    new InlineProgress<JSONMessage>(m => errors.AddRange(m.ErrorMessage is { Length: > 0 } e ? [e] : [])), CancellationToken.None);
            }

            Assert.True((await EngineB.Images.InspectImageAsync(image)).ID == onA, $"loading {image} into {EndpointB}: {string.Join('\n', errors)}");
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>This installation's containers of one member on an engine.</summary>
    public async Task<IList<ContainerListResponse>> ContainersOfAsync(IDockerClient engine, string memberId)
    {
        var installation = await Runtime.InstallationIdAsync();
        return await engine.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{DockerContainerRuntime.InstallationLabel}={installation}"] = true,
                    [$"{DockerContainerRuntime.MemberLabel}={memberId}"] = true,
                },
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            // What the portal left on the second engine goes once the portal (and its reconciler) has stopped.
            var installation = await runtime.InstallationIdAsync();
            await runtime.DisposeAsync();
            await RuntimePortalFixture.RemoveInstallationAsync(EngineB, installation);
        }
        else
        {
            await runtime.DisposeAsync();
        }

        engines?.Dispose();
    }
}

/// <summary>
/// Partitions over the admin API, and members placed on two real Docker engines by deployment policies:
/// round-robin, one-after-another with a burst partition, validation, and an engine that is not there.
/// </summary>
public sealed class PartitionsOnTwoEnginesTests(TwoEnginesFixture fixture) : IClassFixture<TwoEnginesFixture>
{
    [Fact]
    public async Task Round_robin_spreads_members_evenly_over_two_engines()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        await EnsurePartitionBAsync(ops);
        var policy = await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/spread", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "local", maxMembers = 5 }, new { partition = B, maxMembers = 5 } },
        });
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        var saved = await policy.JsonAsync();
        Assert.Equal(("spread", "roundRobin"), (saved.GetProperty("name").GetString(), saved.GetProperty("algorithm").GetString()));
        Assert.Equal(["local:5:False", $"{B}:5:False"], Slots(saved));

        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("spread"));
        var policies = await (await tenant.GetAsync("/api/v1/deployment-policies")).JsonAsync();
        Assert.Contains(policies.EnumerateArray(), p => p.GetProperty("name").GetString() == "spread");
        var created = await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php", minMembers = 4, maxMembers = 4, deploymentPolicy = "spread" });
        Assert.Equal("spread", created.GetProperty("deploymentPolicy").GetString());

        var web = await tenant.WaitUntilRunningAsync("web", 4, seconds: 120);

        var byPartition = MembersByPartition(web);
        Assert.Equal(2, byPartition["local"].Count);
        Assert.Equal(2, byPartition[B].Count);
        await AssertRunsOnAsync(byPartition["local"], fixture.EngineA, fixture.EngineB);
        await AssertRunsOnAsync(byPartition[B], fixture.EngineB, fixture.EngineA);
    }

    [Fact]
    public async Task A_release_is_built_on_every_partition_of_the_policy_and_its_members_run_it_on_both_engines()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        await EnsurePartitionBAsync(ops);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/spread", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "local", maxMembers = 5 }, new { partition = B, maxMembers = 5 } },
        })).StatusCode);
        using var git = await Git.GitWorkspace.CreateAsync();
        var commit = await git.CommitAsync("On two engines", "index.php", "<?php echo 'two engines';");
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("relspread"));
        await tenant.CreateApplicationAsync(new
        {
            name = "web", cartridge = "php", minMembers = 2, maxMembers = 2, deploymentPolicy = "spread", repository = new { url = git.Origin },
        });

        var release = await Releases.ReleaseRequests.WaitForReleaseAsync(tenant, "web", 1, seconds: 120);
        var image = release.GetProperty("image").GetString()!;
        try
        {
            Assert.Equal("succeeded", release.GetProperty("state").GetString());
            Assert.Equal(commit, release.GetProperty("commit").GetString());
            Assert.Equal($"local: built; {B}: built", release.GetProperty("steps")[1].GetProperty("detail").GetString());
            var web = await tenant.WaitUntilRunningAsync("web", 2);
            var byPartition = MembersByPartition(web);
            foreach (var (partition, engine) in new[] { ("local", fixture.EngineA), (B, fixture.EngineB) })
            {
                var container = Assert.Single(await fixture.ContainersOfAsync(engine, Assert.Single(byPartition[partition])));
                Assert.Equal(image, container.Image);
            }
        }
        finally
        {
            await tenant.DeleteAsync("/api/v1/applications/web");
            await Task.Delay(3000); // its members go with the next passes; then its image can go from both engines
            var images = fixture.Portal.Services.GetRequiredService<ReleaseImages>();
            await images.RemoveAsync(fixture.EngineA, image, CancellationToken.None);
            await images.RemoveAsync(fixture.EngineB, image, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_burst_partition_is_used_only_when_the_others_are_full_and_is_emptied_first()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        await EnsurePartitionBAsync(ops);
        var policy = await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/burst", new
        {
            algorithm = "oneAfterAnother",
            partitions = new object[] { new { partition = "local", maxMembers = 2 }, new { partition = B, maxMembers = 5, burst = true } },
        });
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        Assert.Equal(["local:2:False", $"{B}:5:True"], Slots(await policy.JsonAsync()));

        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("burst"));
        await tenant.CreateApplicationAsync(new { name = "shop", cartridge = "php", minMembers = 1, maxMembers = 4, deploymentPolicy = "burst" });
        var one = await tenant.WaitUntilRunningAsync("shop", 1);
        Assert.Equal(["local"], MembersByPartition(one).Keys);

        await ScaleAsync(tenant, "shop", 2);
        var two = await tenant.WaitUntilRunningAsync("shop", 2);
        var local = MembersByPartition(two)["local"];
        Assert.Equal(2, local.Count);
        Assert.Single(MembersByPartition(two));

        await ScaleAsync(tenant, "shop", 4);
        var four = await tenant.WaitUntilRunningAsync("shop", 4, seconds: 120);
        var byPartition = MembersByPartition(four);
        Assert.Equal(local.Order(), byPartition["local"].Order()); // the local members stay; the burst takes the rest
        Assert.Equal(2, byPartition[B].Count);
        await AssertRunsOnAsync(byPartition[B], fixture.EngineB, fixture.EngineA);

        await ScaleAsync(tenant, "shop", 2);
        var back = await tenant.WaitUntilRunningAsync("shop", 2, seconds: 60);
        Assert.Equal(local.Order(), back.MemberIds().Order()); // the burst partition is emptied first
        foreach (var gone in byPartition[B])
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline && (await fixture.ContainersOfAsync(fixture.EngineB, gone)).Count > 0)
            {
                await Task.Delay(250);
            }

            Assert.Empty(await fixture.ContainersOfAsync(fixture.EngineB, gone));
        }

        await AssertRunsOnAsync(local, fixture.EngineA, fixture.EngineB);
    }

    [Fact]
    public async Task Autoscaling_bursts_to_the_burst_partition_stops_where_the_partitions_are_full_and_empties_the_burst_first()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        await EnsurePartitionBAsync(ops);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/one-then-burst", new
        {
            algorithm = "oneAfterAnother",
            partitions = new object[] { new { partition = "local", maxMembers = 1 }, new { partition = B, maxMembers = 1, burst = true } },
        })).StatusCode);
        var policy = $"rif-{Guid.NewGuid().ToString("N")[..8]}";
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/autoscaling-policies", new
        {
            name = policy, requestsInFlight = 2, evaluationIntervalSeconds = 2, windowSeconds = 20,
            scaleUpCooldownSeconds = 2, scaleDownCooldownSeconds = 2, scaleDownAfter = 2,
        })).StatusCode);
        using var git = await Git.GitWorkspace.CreateAsync();
        await git.CommitAsync("A slow page", [("index.php", "<?php echo 'up';"), ("slow.php", "<?php usleep(500000); echo gethostname();")]);
        var tenant = ApiClient.UniqueTenant("asburst");
        using var client = await fixture.Portal.SignUpAsync(tenant);
        await client.CreateApplicationAsync(new
        {
            name = "shop", cartridge = "php", minMembers = 1, maxMembers = 4, deploymentPolicy = "one-then-burst",
            repository = new { url = git.Origin }, autoscalingPolicy = policy,
        });
        await client.WaitForReleaseAsync("shop", 1, seconds: 120);
        var one = await client.WaitUntilRunningAsync("shop", 1);
        var local = Assert.Single(MembersByPartition(one)["local"]);
        var host = $"shop.{tenant}.apps.localhost";
        await fixture.Runtime.WaitUntilRoutedAsync(host, 1);

        // Six clients of a page taking 0.5 s keep about 6 requests in flight: 3 members at 2 each, but the policy's
        // partitions hold 2; the second goes to the burst partition, and the log says why there is no third.
        JsonElement two;
        using (var load = new RouterLoad(fixture.Runtime, host, "/slow.php", workers: 6))
        {
            two = await client.WaitForAsync("shop", a => a.GetProperty("activeMembers").GetInt32() == 2, seconds: 120);
            await fixture.Runtime.WaitUntilRoutedAsync(host, 2);
            load.Since = load.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(4));
            var decisions = await DecisionsAsync(client, "shop");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!decisions.Any(d => d.GetProperty("action").GetString() == "atMaximum") && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                decisions = await DecisionsAsync(client, "shop");
            }

            await load.StopAsync();
            var burst = Assert.Single(MembersByPartition(two)[B]);
            Assert.True(load.ServedBy(burst) > 0 && load.ServedBy(local) > 0, $"served: {load.Summary}; failed: {string.Join("; ", load.Failures.Take(5))}");
            Assert.True(load.Failures.IsEmpty, string.Join("; ", load.Failures.Take(5)));
            var up = decisions.First(d => d.GetProperty("action").GetString() == "scaleUp");
            Assert.Equal(2, up.GetProperty("toMembers").GetInt32());
            Assert.StartsWith("Requests in flight predicted", up.GetProperty("reason").GetString());
            var atMaximum = decisions.First(d => d.GetProperty("action").GetString() == "atMaximum");
            Assert.Contains("partitions hold 2 members", atMaximum.GetProperty("reason").GetString());
            Assert.Equal(2, atMaximum.GetProperty("toMembers").GetInt32());
        }

        // Idle again: back to one member, the burst partition emptied first.
        var back = await client.WaitForAsync("shop", a =>
            a.GetProperty("desiredMembers").GetInt32() == 1 && a.GetProperty("members").GetArrayLength() == 1, seconds: 90);
        Assert.Equal([local], back.MemberIds());
        var down = (await DecisionsAsync(client, "shop")).First(d => d.GetProperty("action").GetString() == "scaleDown");
        Assert.Equal(MembersByPartition(two)[B].Single(), down.GetProperty("drainedMember").GetString());
    }

    private static async Task<List<JsonElement>> DecisionsAsync(HttpClient client, string application) =>
        [.. (await (await client.GetAsync($"/api/v1/applications/{application}/scaling-decisions")).JsonAsync()).EnumerateArray()];

    [Fact]
    public async Task When_a_policy_drops_a_partition_members_move_but_a_database_stays_with_its_data()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        await EnsurePartitionBAsync(ops);
        object OnlyOn(string partition) => new { algorithm = "roundRobin", partitions = new object[] { new { partition, maxMembers = 3 } } };
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/moving", OnlyOn(B))).StatusCode);

        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("moving"));
        await tenant.CreateApplicationAsync(new { name = "data", cartridge = "mysql", deploymentPolicy = "moving" });
        await tenant.CreateApplicationAsync(new { name = "site", cartridge = "php", minMembers = 2, maxMembers = 2, deploymentPolicy = "moving" });
        var data = await tenant.WaitUntilRunningAsync("data", 1, seconds: 120);
        var site = await tenant.WaitUntilRunningAsync("site", 2, seconds: 120);
        Assert.Equal([B], MembersByPartition(data).Keys);
        Assert.Equal([B], MembersByPartition(site).Keys);

        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/moving", OnlyOn("local"))).StatusCode);

        // The PHP members are replaced on the policy's partition, and the old ones go.
        var moved = await tenant.WaitForAsync("site", a =>
            a.GetProperty("activeMembers").GetInt32() == 2 && a.GetProperty("members").GetArrayLength() == 2
            && MembersByPartition(a).Keys.SequenceEqual(["local"]), seconds: 90);
        await AssertRunsOnAsync(moved.MemberIds(), fixture.EngineA, fixture.EngineB);
        foreach (var gone in site.MemberIds())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (await fixture.ContainersOfAsync(fixture.EngineB, gone)).Count > 0)
            {
                await Task.Delay(250);
            }

            Assert.Empty(await fixture.ContainersOfAsync(fixture.EngineB, gone));
        }

        // The database stays where its volume is: the same member, still on the second engine.
        var stayed = await tenant.WaitUntilRunningAsync("data", 1);
        Assert.Equal(data.MemberIds(), stayed.MemberIds());
        Assert.Equal([B], MembersByPartition(stayed).Keys);

        // So the partition is in use: it is not deleted, and its engine does not change under the data.
        var tenantSlug = (await (await tenant.GetAsync("/api/v1/me")).JsonAsync()).GetProperty("tenant").GetString();
        var refused = await ops.DeleteAsync($"/api/v1/admin/partitions/{B}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"{tenantSlug}/data", (await refused.JsonAsync()).GetProperty("detail").GetString());
        var engineChange = await ops.PutAsJsonAsync($"/api/v1/admin/partitions/{B}", new { networkPartition = "second", endpoint = "unix:///run/elsewhere.sock" });
        Assert.Equal(HttpStatusCode.Conflict, engineChange.StatusCode);
        Assert.Contains($"{tenantSlug}/data", Error(await engineChange.JsonAsync(), "endpoint"));
    }

    [Fact]
    public async Task The_partitions_API_validates_its_input_and_is_for_platform_admins()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var suffix = Guid.NewGuid().ToString("N")[..6];

        var badEndpoint = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"bad-{suffix}", endpoint = "http://10.0.0.5:2375" });
        Assert.Equal(HttpStatusCode.BadRequest, badEndpoint.StatusCode);
        Assert.Contains("unix://", Error(await badEndpoint.JsonAsync(), "endpoint"));

        var noTls = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"tcp-{suffix}", endpoint = "tcp://10.0.0.5:2376" });
        Assert.Equal(HttpStatusCode.BadRequest, noTls.StatusCode);
        Assert.Contains("TLS", Error(await noTls.JsonAsync(), "tlsCertificateDirectory"));

        var missing = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"none-{suffix}" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.NotEmpty(Error(await missing.JsonAsync(), "endpoint"));

        var badName = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = "Not A Name", endpoint = $"unix:///var/run/x-{suffix}.sock" });
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.NotEmpty(Error(await badName.JsonAsync(), "name"));

        var first = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new
        {
            name = $"dup-{suffix}", networkPartition = "eu-west", endpoint = $"unix:///var/run/dup-{suffix}.sock",
        });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/v1/admin/partitions/dup-{suffix}", first.Headers.Location?.OriginalString);
        var body = await first.JsonAsync();
        Assert.Equal(("eu-west", JsonValueKind.Null), (body.GetProperty("networkPartition").GetString(), body.GetProperty("tlsCertificateDirectory").ValueKind));
        var again = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"dup-{suffix}", endpoint = $"unix:///var/run/other-{suffix}.sock" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.NotEmpty(Error(await again.JsonAsync(), "name"));

        // One engine is one partition: a second partition on it would take the first one's members for strangers.
        var sameEngine = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = $"twin-{suffix}", endpoint = DockerEngine.Options.Endpoint });
        Assert.Equal(HttpStatusCode.Conflict, sameEngine.StatusCode);
        Assert.Contains("'local'", Error(await sameEngine.JsonAsync(), "endpoint"));

        var unknown = await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/p-{suffix}", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "local", maxMembers = 2 }, new { partition = "atlantis", maxMembers = 2 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'atlantis'", Error(await unknown.JsonAsync(), "partitions[1].partition"));

        var onlyBurst = await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/p-{suffix}", new
        {
            algorithm = "oneAfterAnother",
            partitions = new object[] { new { partition = "local", maxMembers = 2, burst = true } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, onlyBurst.StatusCode);
        Assert.Contains("not for bursting", Error(await onlyBurst.JsonAsync(), "partitions"));

        var nullEntry = await ops.PutAsync($"/api/v1/admin/deployment-policies/p-{suffix}",
            new StringContent("{\"algorithm\":\"roundRobin\",\"partitions\":[null]}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, nullEntry.StatusCode);

        var noCertificates = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new
        {
            name = $"tls-{suffix}", endpoint = "tcp://127.0.0.1:23999", tlsCertificateDirectory = $"/var/lib/portal-no-such-{suffix}",
        });
        Assert.Equal(HttpStatusCode.BadRequest, noCertificates.StatusCode);
        Assert.Contains("lacks ca.pem, cert.pem, key.pem", Error(await noCertificates.JsonAsync(), "tlsCertificateDirectory"));

        var badAlgorithm = await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/p-{suffix}", new
        {
            algorithm = "random",
            partitions = new object[] { new { partition = "local", maxMembers = 2 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, badAlgorithm.StatusCode);
        Assert.NotEmpty(Error(await badAlgorithm.JsonAsync(), "algorithm"));

        var noMax = await ops.PutAsJsonAsync($"/api/v1/admin/deployment-policies/p-{suffix}", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "local" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, noMax.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("/api/v1/admin/partitions/atlantis/test", null)).StatusCode);
        var policies = await (await ops.GetAsync("/api/v1/deployment-policies")).JsonAsync();
        Assert.DoesNotContain(policies.EnumerateArray(), p => p.GetProperty("name").GetString() == $"p-{suffix}");

        // A tenant reads the policies' names, and nothing else here.
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("nosy"));
        var seen = await tenant.GetAsync("/api/v1/deployment-policies");
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        Assert.Contains((await seen.JsonAsync()).EnumerateArray(), p => p.GetProperty("name").GetString() == "default");
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/v1/admin/partitions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/v1/admin/partitions/local")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PostAsJsonAsync("/api/v1/admin/partitions",
            new { name = $"evil-{suffix}", endpoint = $"unix:///var/run/evil-{suffix}.sock" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PostAsync("/api/v1/admin/partitions/local/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.PutAsJsonAsync($"/api/v1/admin/deployment-policies/evil-{suffix}",
            new { algorithm = "roundRobin", partitions = new object[] { new { partition = "local", maxMembers = 2 } } })).StatusCode);
        using var anonymous = fixture.Portal.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/deployment-policies")).StatusCode);

        var paths = (await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/v1/admin/partitions", "/api/v1/admin/partitions/{name}/test",
                     "/api/v1/admin/deployment-policies/{name}", "/api/v1/deployment-policies",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task An_engine_that_is_not_there_is_reported_unreachable_and_harms_nothing_else()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("steady"));
        await tenant.CreateApplicationAsync(new { name = "steady", cartridge = "php" });
        var before = await tenant.WaitUntilRunningAsync("steady", 1);

        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        const string endpoint = "unix:///var/run/does-not-exist.sock";
        var added = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = "gone", endpoint });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        var gone = await WaitForStatusAsync(ops, "gone", s => !s.GetProperty("reachable").GetBoolean(), seconds: 10);
        var status = gone.GetProperty("status");
        Assert.Contains(endpoint, status.GetProperty("reason").GetString());
        Assert.True(status.GetProperty("checkedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));

        var tested = await ops.PostAsync("/api/v1/admin/partitions/gone/test", null);
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        var result = await tested.JsonAsync();
        Assert.False(result.GetProperty("reachable").GetBoolean());
        Assert.Contains(endpoint, result.GetProperty("reason").GetString());
        var local = await ops.PostAsync("/api/v1/admin/partitions/local/test", null);
        Assert.True((await local.JsonAsync()).GetProperty("reachable").GetBoolean());

        // The portal and the applications on the other partitions carry on: the member stays, scaling works.
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/readyz")).StatusCode);
        await ScaleAsync(tenant, "steady", 1);
        var application = await tenant.ApplicationAsync("steady");
        Assert.Equal(before.MemberIds(), application.MemberIds());
        Assert.Equal(JsonValueKind.Null, application.GetProperty("problem").ValueKind);
        await tenant.CreateApplicationAsync(new { name = "after", cartridge = "php", minMembers = 2, maxMembers = 2 });
        var after = await tenant.WaitUntilRunningAsync("after", 2);
        Assert.Equal(["local"], MembersByPartition(after).Keys);
        Assert.Equal(before.MemberIds(), (await tenant.WaitUntilRunningAsync("steady", 1)).MemberIds());
        var partitions = await (await ops.GetAsync("/api/v1/admin/partitions")).JsonAsync();
        Assert.False(partitions.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "gone").GetProperty("status").GetProperty("reachable").GetBoolean());
    }

    /// <summary>The second engine's partition (a name is 2 characters at least, so not just "b").</summary>
    private const string B = "engine-b";

    /// <summary>Adds the second engine as partition <see cref="B"/> (once per portal) and waits until the portal has seen it answer.</summary>
    private async Task EnsurePartitionBAsync(HttpClient ops)
    {
        var response = await ops.PostAsJsonAsync("/api/v1/admin/partitions", new { name = B, networkPartition = "second", endpoint = fixture.EndpointB });
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var created = await response.JsonAsync();
            Assert.Equal((B, "second", fixture.EndpointB), (created.GetProperty("name").GetString(),
                created.GetProperty("networkPartition").GetString(), created.GetProperty("endpoint").GetString()));
        }

        var b = await WaitForStatusAsync(ops, B, s => s.GetProperty("reachable").GetBoolean(), seconds: 15);
        Assert.Equal(fixture.EndpointB, b.GetProperty("endpoint").GetString());
        var tested = await (await ops.PostAsync($"/api/v1/admin/partitions/{B}/test", null)).JsonAsync();
        Assert.True(tested.GetProperty("reachable").GetBoolean());
        Assert.StartsWith("Docker ", tested.GetProperty("reason").GetString());
    }

    /// <summary>Polls the partition list until the partition has a status that satisfies <paramref name="condition"/>.</summary>
    private static async Task<JsonElement> WaitForStatusAsync(HttpClient ops, string name, Func<JsonElement, bool> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement partition;
        do
        {
            var response = await ops.GetAsync("/api/v1/admin/partitions");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            partition = (await response.JsonAsync()).EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
            if (partition.GetProperty("status") is { ValueKind: JsonValueKind.Object } status && condition(status))
            {
                return partition;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Partition '{name}' did not get there within {seconds} s; last seen: {partition}");
        return partition;
    }

    private static async Task ScaleAsync(HttpClient tenant, string application, int members)
    {
        var response = await tenant.PostAsJsonAsync($"/api/v1/applications/{application}/scale", new { members });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Each member's container runs on <paramref name="engine"/> and not on <paramref name="other"/>.</summary>
    private async Task AssertRunsOnAsync(IEnumerable<string> members, IDockerClient engine, IDockerClient other)
    {
        foreach (var member in members)
        {
            var container = Assert.Single(await fixture.ContainersOfAsync(engine, member));
            Assert.Equal("running", container.State);
            Assert.Equal(member, container.Labels[DockerContainerRuntime.MemberLabel]);
            Assert.Empty(await fixture.ContainersOfAsync(other, member));
        }
    }

    private static Dictionary<string, List<string>> MembersByPartition(JsonElement application) =>
        application.GetProperty("members").EnumerateArray()
            .GroupBy(m => m.GetProperty("partition").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(m => m.GetProperty("id").GetString()!).ToList());

    private static List<string> Slots(JsonElement policy) =>
        [.. policy.GetProperty("partitions").EnumerateArray().Select(p =>
            $"{p.GetProperty("partition").GetString()}:{p.GetProperty("maxMembers").GetInt32()}:{p.GetProperty("burst").GetBoolean()}")];

    private static string Error(JsonElement problem, string field) =>
        string.Join(" ", problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
}
