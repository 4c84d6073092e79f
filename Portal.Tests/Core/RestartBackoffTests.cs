using Portal.Core.Applications;

namespace Portal.Tests.Core;

public sealed class RestartBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset[] Faults(int count) => [.. Enumerable.Range(0, count).Select(i => T0.AddSeconds(2 * i))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void The_first_faults_are_replaced_at_once(int faults) => Assert.Null(RestartBackoff.NextStart(Faults(faults)));

    [Theory]
    [InlineData(3, 10)]
    [InlineData(4, 20)]
    [InlineData(5, 40)]
    [InlineData(8, 300)]
    [InlineData(100, 300)]
    public void A_crash_loop_waits_longer_after_each_fault_up_to_five_minutes(int faults, int seconds)
    {
        var times = Faults(faults);

        Assert.Equal(times[^1].AddSeconds(seconds), RestartBackoff.NextStart(times));
    }
}
