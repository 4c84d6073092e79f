using System.Diagnostics.Metrics;
using Portal.Core.Applications;

namespace Portal.Infrastructure.Observability;

/// <summary>
/// The portal's own instruments (meter <see cref="MeterName"/>, scraped with the router's at <c>/metrics</c>): members
/// per state and applications as the reconciler's last pass saw them, its passes and their duration, members faulted,
/// and the autoscaler's decisions.
/// </summary>
public sealed class PlatformMetrics : IDisposable
{
    public const string MeterName = "Portal";

    private readonly Meter meter;
    private readonly Counter<long> passes;
    private readonly Histogram<double> passDuration;
    private readonly Counter<long> faults;
    private readonly Counter<long> decisions;
    private volatile Snapshot last = new(new Dictionary<MemberState, int>(), 0);

    public PlatformMetrics(IMeterFactory meters)
    {
        meter = meters.Create(MeterName);
        passes = meter.CreateCounter<long>("portal.reconciler.passes", description: "Reconciler passes run.");
        passDuration = meter.CreateHistogram<double>("portal.reconciler.pass.duration", unit: "s", description: "How long a reconciler pass took.");
        faults = meter.CreateCounter<long>("portal.members.faulted", description: "Members that faulted (died, or failed their health checks).");
        decisions = meter.CreateCounter<long>("portal.autoscaler.decisions", description: "Autoscaling decisions logged, by action.");
        meter.CreateObservableGauge("portal.members", () => last.Members.Select(
            m => new Measurement<int>(m.Value, new KeyValuePair<string, object?>("state", m.Key.ToString()))),
            description: "Members per state (Created, Starting, Active, Draining) at the reconciler's last pass.");
        meter.CreateObservableGauge("portal.applications", () => last.Applications, description: "Applications at the reconciler's last pass.");
    }

    /// <summary>What a pass saw: the members not ended yet, and the applications.</summary>
    public void Passed(IEnumerable<MemberState> members, int applications, TimeSpan took)
    {
        var counts = Enum.GetValues<MemberState>().Where(s => s is not (MemberState.Terminated or MemberState.Faulted)).ToDictionary(s => s, _ => 0);
        foreach (var state in members)
        {
            if (counts.TryGetValue(state, out var count))
            {
                counts[state] = count + 1;
            }
        }

        last = new Snapshot(counts, applications);
        passes.Add(1);
        passDuration.Record(took.TotalSeconds);
    }

    public void Faulted() => faults.Add(1);

    public void Decided(string action) => decisions.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Dispose() => meter.Dispose();

    private sealed record Snapshot(IReadOnlyDictionary<MemberState, int> Members, int Applications);
}
