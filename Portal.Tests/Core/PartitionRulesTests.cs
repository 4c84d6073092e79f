using Portal.Core.Applications;
using Portal.Core.Partitions;

namespace Portal.Tests.Core;

public sealed class PartitionRulesTests
{
    [Theory]
    [InlineData("local", "unix:///var/run/docker.sock", null)]
    [InlineData("edge-2", "tcp://10.0.0.5:2376", "/etc/portal/certs/edge-2")]
    [InlineData("b", "unix:///var/run/docker-b.sock", null, "name")]
    [InlineData("remote", "tcp://10.0.0.5:2376", null, "tlsCertificateDirectory")]
    [InlineData("remote", "tcp://10.0.0.5:2376", "certs", "tlsCertificateDirectory")]
    [InlineData("remote", "tcp://10.0.0.5", "/certs", "endpoint")]
    [InlineData("remote", "http://10.0.0.5:2375", null, "endpoint")]
    [InlineData("remote", "unix://relative.sock", null, "endpoint")]
    [InlineData("remote", "unix:///var/run/docker.sock", "/certs", "tlsCertificateDirectory")]
    [InlineData("remote", "not a uri", null, "endpoint")]
    public void Endpoints_are_unix_sockets_or_TCP_with_TLS(string name, string endpoint, string? tls, string? wrongField = null)
    {
        var errors = PartitionRules.Validate(name, endpoint, tls);

        if (wrongField is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(wrongField, errors.Keys);
        }
    }

    [Theory]
    [InlineData(2, 2, null, ApplicationStatus.Running)]
    [InlineData(2, 3, null, ApplicationStatus.Running)]
    [InlineData(2, 1, null, ApplicationStatus.Degraded)]
    [InlineData(2, 1, "cannot place", ApplicationStatus.Degraded)]
    [InlineData(2, 0, null, ApplicationStatus.Starting)]
    [InlineData(1, 0, "The image is missing", ApplicationStatus.Failing)]
    public void An_applications_status_follows_its_active_members(int desired, int active, string? problem, ApplicationStatus expected) =>
        Assert.Equal(expected, ApplicationStatusRules.Of(desired, active, problem));
}
