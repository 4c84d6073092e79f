using Docker.DotNet.Models;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>Members as hardened containers on the real Docker engine, found again by their labels.</summary>
public sealed class DockerContainerRuntimeTests(CartridgeImagesFixture docker) : IClassFixture<CartridgeImagesFixture>
{
    private static MemberSpec PhpMember(Guid tenantId) => new()
    {
        TenantId = tenantId,
        ApplicationId = Guid.NewGuid(),
        ClusterId = Guid.NewGuid(),
        MemberId = Guid.NewGuid(),
        Image = BuiltInCartridges.Php.Image,
        ContainerPort = BuiltInCartridges.Php.ContainerPort,
        Environment = new Dictionary<string, string> { ["GREETING"] = "hello" },
        CpuLimit = 0.25,
        MemoryLimitMb = 128,
        NetworkAlias = "shop",
    };

    [Fact]
    public async Task A_member_runs_hardened_on_its_tenants_network_is_found_by_label_and_removed()
    {
        var runtime = new DockerContainerRuntime(docker.Engines.Local, Guid.NewGuid());
        var tenantId = Guid.NewGuid();
        var spec = PhpMember(tenantId);
        var ct = TestContext.Current.CancellationToken;

        var started = await runtime.StartAsync(spec, ct);
        try
        {
            Assert.True(started.Running);
            Assert.NotNull(started.PublishedPort);
            var listed = Assert.Single(await runtime.ListAsync(ct), c => c.MemberId == spec.MemberId);
            Assert.Equal((spec.TenantId, spec.ApplicationId, spec.ClusterId, started.ContainerId), (listed.TenantId, listed.ApplicationId, listed.ClusterId, listed.ContainerId));
            Assert.Equal(started.PublishedPort, listed.PublishedPort);

            await HttpProbe.GetWhenUpAsync(new Uri($"http://127.0.0.1:{started.PublishedPort}/"));

            var inspected = await docker.Engines.Local.Containers.InspectContainerAsync(started.ContainerId, ct);
            var host = inspected.HostConfig;
            Assert.False(host.Privileged);
            Assert.Equal(["ALL"], host.CapDrop);
            Assert.Contains("no-new-privileges", host.SecurityOpt);
            Assert.Equal(DockerContainerRuntime.PidsLimit, host.PidsLimit);
            Assert.Equal(128L * 1024 * 1024, host.Memory);
            Assert.Equal(250_000_000L, host.NanoCPUs);
            Assert.All(host.PortBindings.Values.SelectMany(b => b), b => Assert.Equal("127.0.0.1", b.HostIP));
            Assert.DoesNotContain(inspected.Mounts, m => m.Source.Contains("docker.sock", StringComparison.Ordinal));
            Assert.Contains("GREETING=hello", inspected.Config.Env);
            Assert.Equal([DockerContainerRuntime.NetworkOf(tenantId)], inspected.NetworkSettings.Networks.Keys);
            Assert.Contains("shop", inspected.NetworkSettings.Networks[DockerContainerRuntime.NetworkOf(tenantId)].Aliases);
        }
        finally
        {
            await runtime.RemoveAsync(started.ContainerId, TimeSpan.FromSeconds(2), ct);
            await docker.Engines.Local.Networks.DeleteNetworkAsync(DockerContainerRuntime.NetworkOf(tenantId), ct);
        }

        Assert.DoesNotContain(await runtime.ListAsync(ct), c => c.MemberId == spec.MemberId);
        await runtime.RemoveAsync(started.ContainerId, TimeSpan.Zero, ct); // removing twice is fine
    }

    [Fact]
    public async Task A_killed_member_is_seen_as_not_running()
    {
        var runtime = new DockerContainerRuntime(docker.Engines.Local, Guid.NewGuid());
        var tenantId = Guid.NewGuid();
        var spec = PhpMember(tenantId);
        var ct = TestContext.Current.CancellationToken;
        var started = await runtime.StartAsync(spec, ct);
        try
        {
            await docker.Engines.Local.Containers.KillContainerAsync(started.ContainerId, new ContainerKillParameters(), ct);

            var observed = Assert.Single(await runtime.ListAsync(ct), c => c.MemberId == spec.MemberId);
            Assert.False(observed.Running);
        }
        finally
        {
            await runtime.RemoveAsync(started.ContainerId, TimeSpan.Zero, ct);
            await docker.Engines.Local.Networks.DeleteNetworkAsync(DockerContainerRuntime.NetworkOf(tenantId), ct);
        }
    }
}
