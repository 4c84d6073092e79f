using Portal.Hubs;

namespace Portal.Tests.Core;

/// <summary>Each user follows a few log streams over the hub at most; a stream that ends gives its slot back.</summary>
public sealed class LogStreamsTests
{
    [Fact]
    public void A_user_gets_at_most_the_limit_and_a_slot_comes_back_when_its_stream_ends()
    {
        var streams = new LogStreams();
        var slots = Enumerable.Range(0, LogStreams.MaxPerUser).Select(_ => streams.TryOpen("ana")).ToList();
        Assert.All(slots, Assert.NotNull);

        Assert.Null(streams.TryOpen("ana"));
        Assert.NotNull(streams.TryOpen("bob")); // another user's streams are their own

        slots[0]!.Dispose();
        slots[0]!.Dispose(); // twice is once
        Assert.NotNull(streams.TryOpen("ana"));
        Assert.Null(streams.TryOpen("ana"));
    }
}
