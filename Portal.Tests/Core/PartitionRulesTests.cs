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

    private static readonly string[] Known = ["local", "edge", "burst"];

    [Fact]
    public void A_deployment_policy_of_known_partitions_each_named_once_with_caps_in_range_is_valid() =>
        Assert.Empty(DeploymentPolicyRules.Validate("spread", PartitionAlgorithm.RoundRobin,
            [new PolicySlot("local", 1, false), new PolicySlot("edge", ApplicationRules.MaxMembersLimit, false), new PolicySlot("burst", 3, true)], Known));

    [Fact]
    public void Each_bad_row_of_a_deployment_policy_is_named_by_its_index_and_field()
    {
        var errors = DeploymentPolicyRules.Validate("spread", PartitionAlgorithm.OneAfterAnother,
        [
            new PolicySlot("local", 0, false), new PolicySlot(null, 2, false), new PolicySlot("atlantis", 2, false),
            new PolicySlot("local", ApplicationRules.MaxMembersLimit + 1, false), new PolicySlot("edge", 2, true),
        ], Known);

        Assert.Equal(["partitions[0].maxMembers", "partitions[1].partition", "partitions[2].partition", "partitions[3].maxMembers", "partitions[3].partition"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"Between 1 and {ApplicationRules.MaxMembersLimit}.", Assert.Single(errors["partitions[0].maxMembers"]));
        Assert.Equal("Choose a partition.", Assert.Single(errors["partitions[1].partition"]));
        Assert.Equal("There is no partition named 'atlantis'.", Assert.Single(errors["partitions[2].partition"]));
        Assert.Equal("'local' is named above already: name each partition once.", Assert.Single(errors["partitions[3].partition"]));
    }

    [Theory]
    [InlineData("Spread", 1, false, "name")]
    [InlineData("spread", 0, false, "partitions")]
    [InlineData("spread", 2, true, "partitions")]
    [InlineData("spread", DeploymentPolicyRules.MaxPartitions + 1, false, "partitions")]
    public void A_deployment_policy_needs_a_name_and_one_to_twenty_partitions_not_all_for_bursting(string name, int rows, bool burst, string field)
    {
        var slots = Enumerable.Range(0, rows).Select(i => new PolicySlot(i == 0 ? "local" : $"p{i}", 2, burst)).ToList();

        var errors = DeploymentPolicyRules.Validate(name, PartitionAlgorithm.RoundRobin, slots, [.. slots.Select(s => s.Partition!)]);

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void An_unknown_algorithm_is_named() =>
        Assert.Equal(["algorithm"], DeploymentPolicyRules.Validate("spread", (PartitionAlgorithm)7, [new PolicySlot("local", 2, false)], Known).Keys);
}
