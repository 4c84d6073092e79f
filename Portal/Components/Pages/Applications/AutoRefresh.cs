namespace Portal.Components.Pages.Applications;

/// <summary>
/// Reloads what a component shows every few seconds while it is on screen, so statuses change without a reload.
/// Loads run one at a time (a tick waits for a load the user started, and the other way round), so the
/// component's DbContext never runs two queries at once.
/// </summary>
public sealed class AutoRefresh : IDisposable
{
    /// <summary>A little slower than the reconciler's default pass (2 s): each tick shows the newest pass.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2.5);

    /// <summary>While what is shown changes by the second (a release rolling out, step by step).</summary>
    public static readonly TimeSpan FastInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim gate = new(1, 1);
    private PeriodicTimer? timer;
    private TimeSpan period = Interval;
    private bool disposed;

    /// <summary>Runs <paramref name="load"/> once no other load of this component runs.</summary>
    public async Task LoadAsync(Func<Task> load, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await load();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Ticks every <paramref name="interval"/> from now on (<see cref="Interval"/> until told otherwise).</summary>
    public void Every(TimeSpan interval)
    {
        if (interval != period)
        {
            period = interval;
            if (timer is not null && !disposed)
            {
                timer.Period = interval;
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="tick"/> every <see cref="Interval"/> (or as <see cref="Every"/> says) until disposed or <paramref name="cancellationToken"/>
    /// is cancelled. <paramref name="tick"/> runs on the timer's thread: it must dispatch to the renderer
    /// (<c>InvokeAsync</c>). A failed tick is logged and the next one tries again.
    /// </summary>
    public void Start(Func<Task> tick, ILogger logger, CancellationToken cancellationToken)
    {
        if (timer is not null)
        {
            return;
        }

        timer = new PeriodicTimer(period);
        _ = TickAsync(timer, tick, logger, cancellationToken);
    }

    private static async Task TickAsync(PeriodicTimer timer, Func<Task> tick, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await tick();
                }
                catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Refreshing the page failed; trying again in {Interval} s.", timer.Period.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The component went away.
        }
    }

    /// <summary>Stops the ticks (a tick in flight ends with the component's cancellation).</summary>
    public void Dispose()
    {
        disposed = true;
        timer?.Dispose();
    }
}
