using Portal.Core.Autoscaling;
using Portal.Core.Partitions;

namespace Portal.Tests.Core;

/// <summary>Rules that must answer extreme input with a message, never an exception or a value the database refuses.</summary>
public sealed class InputRulesTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1e7)]
    public void An_evaluation_interval_far_out_of_range_is_named_not_an_overflow(double seconds)
    {
        var interval = Math.Abs(seconds) < 1e6 ? TimeSpan.FromSeconds(seconds) : TimeSpan.MinValue; // as the form and the service read it
        var errors = AutoscalingRules.Validate("p", 70, null, null, interval, TimeSpan.FromSeconds(60), null,
            TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60), 3);

        Assert.Equal(["Evaluate every 1 to 600 seconds."], errors["evaluationIntervalSeconds"]);
        Assert.False(errors.ContainsKey("windowSeconds"));
    }

    [Fact]
    public void A_certificate_folder_longer_than_its_column_is_refused_at_its_field()
    {
        var errors = PartitionRules.Validate("east", "tcp://10.0.0.5:2376", "/" + new string('a', PartitionRules.MaxPathLength));

        Assert.Equal(["The folder's path is at most 255 characters."], errors["tlsCertificateDirectory"]);
        Assert.Empty(PartitionRules.Validate("east", "tcp://10.0.0.5:2376", "/etc/portal/east"));
    }
}
