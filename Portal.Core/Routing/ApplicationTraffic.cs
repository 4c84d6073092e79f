namespace Portal.Core.Routing;

/// <summary>
/// An application's traffic through the router since the portal started: requests in flight now, and running
/// totals of requests, errors (5xx answers and requests no member answered) and time spent. Rates are the
/// difference of two readings divided by the time between them.
/// </summary>
public sealed record TrafficTotals(long InFlight, long Requests, long Errors, TimeSpan TotalLatency)
{
    public static readonly TrafficTotals None = new(0, 0, 0, TimeSpan.Zero);

    /// <summary>Requests per second, error ratio and mean latency between an earlier reading and this one.</summary>
    public TrafficRates Since(TrafficTotals earlier, TimeSpan elapsed)
    {
        var requests = Requests - earlier.Requests;
        return new TrafficRates(
            InFlight,
            elapsed > TimeSpan.Zero ? requests / elapsed.TotalSeconds : 0,
            requests > 0 ? (double)(Errors - earlier.Errors) / requests : 0,
            requests > 0 ? (TotalLatency - earlier.TotalLatency) / requests : TimeSpan.Zero);
    }
}

/// <summary>An application's traffic over an interval.</summary>
public sealed record TrafficRates(long InFlight, double RequestsPerSecond, double ErrorRatio, TimeSpan MeanLatency);

/// <summary>One member's traffic through the router since the portal started: requests in flight now and answered.</summary>
public sealed record MemberTraffic(Guid MemberId, long InFlight, long Requests);

/// <summary>Port: the router's traffic per application and member, read by the autoscaler and the health sampler.</summary>
public interface IApplicationTraffic
{
    TrafficTotals Of(Guid applicationId);

    /// <summary>The application's members the router sent requests to or routes to now.</summary>
    IReadOnlyList<MemberTraffic> MembersOf(Guid applicationId);
}
