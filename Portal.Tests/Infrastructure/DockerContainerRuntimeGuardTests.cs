using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Infrastructure.Docker;

namespace Portal.Tests.Infrastructure;

/// <summary>The runtime refuses specs that would weaken a member's hardening, before it asks any engine anything.</summary>
public sealed class DockerContainerRuntimeGuardTests
{
    private static MemberSpec Valid => new()
    {
        TenantId = Guid.NewGuid(), ApplicationId = Guid.NewGuid(), ClusterId = Guid.NewGuid(), MemberId = Guid.NewGuid(),
        Image = "portal/php:8.2", ContainerPort = 8080,
    };

    public static TheoryData<string, MemberSpec> Unsafe => new()
    {
        { "no CPU limit", Valid with { CpuLimit = 0 } },
        { "no memory limit", Valid with { MemoryLimitMb = 0 } },
        { "a variable name with '='", Valid with { Environment = new Dictionary<string, string> { ["A=B"] = "x" } } },
        { "NUL in a value", Valid with { Environment = new Dictionary<string, string> { ["A"] = "x\0y" } } },
    };

    [Theory]
    [MemberData(nameof(Unsafe))]
    public async Task Unsafe_specs_are_refused(string why, MemberSpec spec)
    {
        // An engine that does not exist: the spec must be refused before anything is sent.
        using var engines = new DockerEngines(Options.Create(new DockerOptions { Endpoint = "unix:///nonexistent/docker.sock" }));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new DockerContainerRuntime(engines.Local, Guid.NewGuid()).StartAsync(spec, CancellationToken.None));

        Assert.False(string.IsNullOrEmpty(error.Message), why);
    }
}
