using Portal.Core.Autoscaling;

namespace Portal.Tests.Core;

public sealed class MemberLoadTests
{
    private const ulong MiB = 1024 * 1024;
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static ContainerUsage At(double seconds, ulong cpuNanoseconds, ulong memory = 0, ulong limit = 256 * MiB) =>
        new(T0.AddSeconds(seconds), cpuNanoseconds, memory, limit);

    [Theory]
    [InlineData(0.25, 1, 0.5, 50)]
    [InlineData(0.5, 1, 0.5, 100)]
    [InlineData(1, 2, 1, 50)]
    [InlineData(0, 1, 0.5, 0)]
    [InlineData(0.26, 1, 0.25, 104)] // a little over the limit happens with the engine's accounting: kept, not clamped
    public void Cpu_is_the_share_of_the_limit_used_between_two_readings(double cpuSeconds, double wallSeconds, double cpuLimit, double percent)
    {
        var earlier = At(10, 3_000_000_000);
        var later = At(10 + wallSeconds, 3_000_000_000 + (ulong)(cpuSeconds * 1e9));

        Assert.Equal(percent, MemberLoad.CpuPercent(earlier, later, cpuLimit)!.Value, 6);
    }

    [Fact]
    public void A_restarted_container_has_no_cpu_figure() =>
        Assert.Null(MemberLoad.CpuPercent(At(0, 5_000_000_000), At(1, 100_000_000), 0.5)); // the counter went backwards

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Readings_without_time_between_them_have_no_cpu_figure(double wallSeconds) =>
        Assert.Null(MemberLoad.CpuPercent(At(5, 1_000_000_000), At(5 + wallSeconds, 1_500_000_000), 0.5));

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Without_a_positive_cpu_limit_there_is_no_cpu_figure(double cpuLimit) =>
        Assert.Null(MemberLoad.CpuPercent(At(0, 0), At(1, 250_000_000), cpuLimit));

    [Fact]
    public void Memory_is_the_share_of_the_limit_in_use()
    {
        Assert.Equal(25, MemberLoad.MemoryPercent(At(0, 0, memory: 64 * MiB, limit: 256 * MiB)));
        Assert.Equal(0, MemberLoad.MemoryPercent(At(0, 0, memory: 0, limit: 256 * MiB)));
    }

    [Fact]
    public void Without_a_memory_limit_there_is_no_memory_figure() =>
        Assert.Null(MemberLoad.MemoryPercent(At(0, 0, memory: 64 * MiB, limit: 0)));
}
