namespace Portal.Core.Autoscaling;

/// <summary>One reading of a metric.</summary>
public readonly record struct WindowPoint(DateTimeOffset At, double Value);

/// <summary>
/// What a window of samples says about a metric now: the window's average, and from a least-squares fit through the
/// samples read at the evaluation time, the level s0, the first derivative u (per second) and the second derivative a
/// (per second squared). When the load stepped within the window, only the samples since the step count. A parabola
/// is tried first, then a line, then a constant (the average): a curvature or a slope
/// counts only when the samples show it beyond their noise (its coefficient is beyond what noise gives once in 10 000 tests), so a
/// steady noisy load predicts its average, not a trend read into noise. Fitting every sample of the window, whatever
/// their spacing, makes the figures robust to missing samples and irregular intervals (Stratos took the first and last
/// event of a one-minute window, so one late or noisy sample swung its gradient).
/// </summary>
/// <param name="Samples">The samples the level, slope and acceleration were read from (since a step, when there was one).</param>
/// <param name="Span">The time the window's samples span.</param>
/// <param name="Average">The average of every sample in the window.</param>
public sealed record MetricTrend(int Samples, TimeSpan Span, double Average, double Level, double Slope, double Acceleration)
{
    /// <summary>s = s0 + u·t + a·t²/2 at <paramref name="horizon"/> from now (never below zero: no metric here is negative).</summary>
    public double Predict(TimeSpan horizon)
    {
        var t = horizon.TotalSeconds;
        return Math.Max(0, Level + Slope * t + Acceleration * t * t / 2);
    }
}

/// <summary>
/// A sliding window of one metric's samples (pure; one per application and metric, owned by the autoscaler).
/// Samples older than <see cref="Length"/> before the newest one fall out; out-of-order samples are placed in order;
/// non-finite values are ignored.
/// </summary>
public sealed class MetricWindow(TimeSpan length)
{
    /// <summary>Distinct sample times a curvature needs (a parabola through fewer tells nothing from noise).</summary>
    private const int SamplesForCurvature = 5;

    /// <summary>
    /// Student's t for a two-sided 1-in-10 000 chance with 1..30 degrees of freedom: how many standard errors a slope,
    /// curvature or step must exceed to count. An autoscaler tests at every evaluation, so the usual 1 in 20 (or even
    /// 3 standard errors) read trends into a steady load's noise every few minutes (measured in the test series); and
    /// with few samples a standard error is itself uncertain, hence t rather than the normal distribution.
    /// </summary>
    private static readonly double[] CriticalT =
    [
        6366.1, 99.99, 28.00, 15.54, 11.18, 9.082, 7.885, 7.120, 6.594, 6.211, 5.921, 5.694, 5.513, 5.363, 5.239,
        5.134, 5.044, 4.966, 4.897, 4.837, 4.784, 4.736, 4.693, 4.654, 4.619, 4.587, 4.558, 4.530, 4.506, 4.482,
    ];

    /// <summary>The normal distribution's 1-in-10 000 two-sided point, the limit of t for many samples.</summary>
    private const double CriticalZ = 3.891;

    /// <summary>t's critical value for the degrees of freedom (a table up to 30, Cornish-Fisher's expansion beyond: within 0.01).</summary>
    private static double Critical(int freedom) => freedom <= CriticalT.Length
        ? CriticalT[freedom - 1]
        : CriticalZ + (Math.Pow(CriticalZ, 3) + CriticalZ) / (4 * freedom)
          + (5 * Math.Pow(CriticalZ, 5) + 16 * Math.Pow(CriticalZ, 3) + 3 * CriticalZ) / (96.0 * freedom * freedom);

    /// <summary>Distinct sample times a slope needs.</summary>
    private const int SamplesForSlope = 3;

    private readonly List<WindowPoint> samples = [];

    public TimeSpan Length { get; } = length > TimeSpan.Zero ? length : throw new ArgumentOutOfRangeException(nameof(length));

    public int Count => samples.Count;

    public void Add(DateTimeOffset at, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        var index = samples.Count;
        while (index > 0 && samples[index - 1].At > at)
        {
            index--;
        }

        samples.Insert(index, new WindowPoint(at, value));
        Trim(samples[^1].At);
    }

    /// <summary>The trend as of <paramref name="now"/>, from the samples of the window ending now; null when it holds none.</summary>
    public MetricTrend? Trend(DateTimeOffset now)
    {
        Trim(now);
        if (samples.Count == 0)
        {
            return null;
        }

        var average = samples.Average(s => s.Value);
        var span = samples[^1].At - samples[0].At;

        // Times in seconds before now (negative), so the fit's coefficients are the level, slope and half the
        // acceleration at the moment of evaluation.
        var times = samples.Select(s => (s.At - now).TotalSeconds).ToArray();
        var values = samples.Select(s => s.Value).ToArray();
        if (LevelShift(times, values) is var from and > 0)
        {
            times = times[from..];
            values = values[from..];
        }

        var distinct = times.Distinct().Count();
        if (distinct >= SamplesForCurvature && Fit(times, values, 2) is { Significant: true } parabola)
        {
            return new MetricTrend(values.Length, span, average, parabola.C[0], parabola.C[1], 2 * parabola.C[2]);
        }

        if (distinct >= SamplesForSlope && Fit(times, values, 1) is { Significant: true } line)
        {
            return new MetricTrend(values.Length, span, average, line.C[0], line.C[1], 0);
        }

        return new MetricTrend(values.Length, span, average, values.Average(), 0, 0);
    }

    /// <summary>
    /// Where the load stepped to the level it holds now: the split of the window into two flat stretches that fits
    /// best, when it fits better than a parabola through all of it and the two levels differ beyond noise (the same
    /// test as a trend's). 0 when there is no such step. A load that jumps is then read from the samples since the
    /// jump, not averaged with the quiet ones before it (which would hide it for half a window).
    /// </summary>
    private static int LevelShift(double[] times, double[] values)
    {
        var n = values.Length;
        if (n < SamplesForCurvature || Fit(times, values, 2) is not { } parabola)
        {
            return 0;
        }

        var sums = new double[n + 1];
        var squares = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            sums[i + 1] = sums[i] + values[i];
            squares[i + 1] = squares[i] + values[i] * values[i];
        }

        var (bestRss, split) = (double.PositiveInfinity, 0);
        for (var s = 2; s <= n - 2; s++)
        {
            double before = sums[s], after = sums[n] - sums[s];
            var rss = squares[s] - before * before / s + (squares[n] - squares[s]) - after * after / (n - s);
            if (rss < bestRss)
            {
                (bestRss, split) = (rss, s);
            }
        }

        if (split == 0 || bestRss >= parabola.Rss)
        {
            return 0;
        }

        var difference = Math.Abs((sums[n] - sums[split]) / (n - split) - sums[split] / split);
        var error = Math.Sqrt(Math.Max(bestRss, 0) / (n - 2) * (1.0 / split + 1.0 / (n - split)));
        return difference > Critical(n - 2) * error ? split : 0;
    }

    private void Trim(DateTimeOffset now)
    {
        var oldest = now - Length;
        samples.RemoveAll(s => s.At < oldest);
    }

    /// <summary>A least-squares fit: coefficients c0 + c1·x + c2·x², the residual sum of squares, and whether the highest
    /// coefficient is significant (beyond <see cref="Critical"/> standard errors of zero).</summary>
    private sealed record Polynomial(double[] C, double Rss, bool Significant);

    /// <summary>The least-squares polynomial of <paramref name="degree"/>, or null when the system is singular or leaves no degree of freedom.</summary>
    private static Polynomial? Fit(double[] x, double[] y, int degree)
    {
        var n = degree + 1;
        if (x.Length <= n)
        {
            return null; // no degrees of freedom left to tell a trend from noise
        }

        // Scale x into [-1, 0] for a well-conditioned system; c_k = b_k / scale^k.
        var scale = Math.Max(x.Max(v => Math.Abs(v)), 1);
        var matrix = new double[n, 2 * n + 1];
        for (var i = 0; i < x.Length; i++)
        {
            var z = x[i] / scale;
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < n; c++)
                {
                    matrix[r, c] += Math.Pow(z, r + c);
                }

                matrix[r, 2 * n] += y[i] * Math.Pow(z, r);
            }
        }

        for (var r = 0; r < n; r++)
        {
            matrix[r, n + r] = 1; // solved alongside: the inverse, for the coefficients' variances
        }

        if (!Solve(matrix, n))
        {
            return null;
        }

        var b = Enumerable.Range(0, n).Select(r => matrix[r, 2 * n]).ToArray();
        var residuals = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = x[i] / scale;
            var fitted = 0.0;
            for (var k = 0; k < n; k++)
            {
                fitted += b[k] * Math.Pow(z, k);
            }

            residuals += (y[i] - fitted) * (y[i] - fitted);
        }

        var variance = residuals / (x.Length - n);
        var top = b[degree];
        var error = Math.Sqrt(variance * matrix[degree, n + degree]);
        var negligible = 1e-9 * Math.Max(1, y.Max(v => Math.Abs(v)));
        var significant = Math.Abs(top) > Critical(x.Length - n) * error && Math.Abs(top) > negligible;

        var result = new double[3];
        for (var k = 0; k < n; k++)
        {
            result[k] = b[k] / Math.Pow(scale, k);
        }

        return new Polynomial(result, residuals, significant);
    }

    /// <summary>Gauss-Jordan elimination with partial pivoting over the first n columns of every row.</summary>
    private static bool Solve(double[,] m, int n)
    {
        var width = m.GetLength(1);
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = row;
                }
            }

            if (Math.Abs(m[pivot, col]) < 1e-12)
            {
                return false;
            }

            for (var c = 0; c < width; c++)
            {
                (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }

            var divisor = m[col, col];
            for (var c = 0; c < width; c++)
            {
                m[col, c] /= divisor;
            }

            for (var row = 0; row < n; row++)
            {
                if (row == col || m[row, col] == 0)
                {
                    continue;
                }

                var factor = m[row, col];
                for (var c = 0; c < width; c++)
                {
                    m[row, c] -= factor * m[col, c];
                }
            }
        }

        return true;
    }
}
