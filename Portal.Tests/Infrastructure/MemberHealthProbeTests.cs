using System.Diagnostics;
using Docker.DotNet.Models;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>Health checks of real members through their 127.0.0.1 ports.</summary>
public sealed class MemberHealthProbeTests(CartridgeImagesFixture docker) : IClassFixture<CartridgeImagesFixture>
{
    private static readonly MemberHealthProbe Probe = new(new HttpClient { Timeout = MemberHealthProbe.Timeout });

    private static MemberSpec Spec(Guid tenantId, CartridgeDefinition cartridge, IReadOnlyDictionary<string, string>? environment = null) => new()
    {
        TenantId = tenantId,
        ApplicationId = Guid.NewGuid(),
        ClusterId = Guid.NewGuid(),
        MemberId = Guid.NewGuid(),
        Image = cartridge.Image,
        ContainerPort = cartridge.ContainerPort,
        Environment = environment ?? new Dictionary<string, string>(),
        MemoryLimitMb = cartridge.MemoryLimitMb,
        PersistencePath = cartridge.PersistencePath,
    };

    [Fact]
    public async Task MySQL_is_healthy_only_once_its_first_start_is_done_not_when_the_port_forwarder_accepts()
    {
        var runtime = new DockerContainerRuntime(docker.Engines.Local, Guid.NewGuid());
        var tenantId = Guid.NewGuid();
        var ct = TestContext.Current.CancellationToken;
        var spec = Spec(tenantId, BuiltInCartridges.MySql, new Dictionary<string, string>
        {
            ["DB_NAME"] = "shop", ["DB_USER"] = "shop", ["DB_PASSWORD"] = "s3cret-Pass",
        });
        var volume = DockerContainerRuntime.VolumeOf(tenantId, spec.ApplicationId);
        var member = await runtime.StartAsync(spec, ct);
        try
        {
            // The first start initializes the database for seconds; the forwarder accepts at once all the same.
            Assert.False(await Probe.IsHealthyAsync(HealthCheckKind.Tcp, null, member.PublishedPort!.Value, ct));

            var clock = Stopwatch.StartNew();
            while (!await Probe.IsHealthyAsync(HealthCheckKind.Tcp, null, member.PublishedPort.Value, ct))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "MySQL did not become healthy within 60 s");
                await Task.Delay(250, ct);
            }
        }
        finally
        {
            await runtime.RemoveAsync(member.ContainerId, TimeSpan.Zero, ct);
            // The application's data outlives its members: the volume is still there until the application goes.
            Assert.Equal(volume, (await docker.Engines.Local.Volumes.InspectAsync(volume, ct)).Name);
            await docker.Engines.Local.Volumes.RemoveAsync(volume, force: true, ct);
            await docker.Engines.Local.Networks.DeleteNetworkAsync(DockerContainerRuntime.NetworkOf(tenantId), ct);
        }
    }

    [Fact]
    public async Task PHP_answers_its_HTTP_check_and_a_quiet_TCP_check_and_a_dead_member_answers_neither()
    {
        var runtime = new DockerContainerRuntime(docker.Engines.Local, Guid.NewGuid());
        var tenantId = Guid.NewGuid();
        var ct = TestContext.Current.CancellationToken;
        var member = await runtime.StartAsync(Spec(tenantId, BuiltInCartridges.Php), ct);
        try
        {
            var port = member.PublishedPort!.Value;
            await HttpProbe.GetWhenUpAsync(new Uri($"http://127.0.0.1:{port}/"));

            Assert.True(await Probe.IsHealthyAsync(HealthCheckKind.Http, "/", port, ct));
            Assert.True(await Probe.IsHealthyAsync(HealthCheckKind.Tcp, null, port, ct));
            Assert.False(await Probe.IsHealthyAsync(HealthCheckKind.Http, "/no-such-page.php", port, ct));

            await docker.Engines.Local.Containers.KillContainerAsync(member.ContainerId, new ContainerKillParameters(), ct);

            Assert.False(await Probe.IsHealthyAsync(HealthCheckKind.Http, "/", port, ct));
            Assert.False(await Probe.IsHealthyAsync(HealthCheckKind.Tcp, null, port, ct));
        }
        finally
        {
            await runtime.RemoveAsync(member.ContainerId, TimeSpan.Zero, ct);
            await docker.Engines.Local.Networks.DeleteNetworkAsync(DockerContainerRuntime.NetworkOf(tenantId), ct);
        }
    }
}
