using Portal.Core.Autoscaling;

namespace Portal.Tests.Core;

/// <summary>The sliding window's average, level, first and second derivative, and the prediction s0 + u·t + a·t²/2.</summary>
public sealed class MetricWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void A_parabola_sampled_at_irregular_times_gives_its_level_slope_and_acceleration_now()
    {
        // s(t) = 5 + 2t + 0.5t², sampled with gaps (missing samples) and uneven spacing.
        static double S(double t) => 5 + 2 * t + 0.5 * t * t;
        var window = new MetricWindow(TimeSpan.FromSeconds(60));
        foreach (var t in new[] { 0, 0.7, 3, 3.2, 8, 9.5, 14 })
        {
            window.Add(At(t), S(t));
        }

        var trend = window.Trend(At(15))!;

        Assert.Equal(7, trend.Samples);
        Assert.Equal(S(15), trend.Level, 6);
        Assert.Equal(2 + 15, trend.Slope, 6); // s'(15)
        Assert.Equal(1, trend.Acceleration, 6);
        Assert.Equal(S(15 + 4), trend.Predict(TimeSpan.FromSeconds(4)), 6);
        Assert.Equal(new[] { 0, 0.7, 3, 3.2, 8, 9.5, 14 }.Average(S), trend.Average, 6);
    }

    [Fact]
    public void Three_or_four_samples_give_at_most_a_line_and_one_or_two_a_constant()
    {
        var window = new MetricWindow(TimeSpan.FromSeconds(30));
        window.Add(At(0), 10);
        var one = window.Trend(At(1))!;
        Assert.Equal((1, 10.0, 0.0, 0.0), (one.Samples, one.Level, one.Slope, one.Acceleration));

        window.Add(At(2), 14);
        var two = window.Trend(At(2))!; // a line through two points says nothing about noise: their average
        Assert.Equal((12.0, 0.0), (two.Level, two.Slope));

        window.Add(At(4), 18);
        var line = window.Trend(At(4))!;
        Assert.Equal(18, line.Level, 6);
        Assert.Equal(2, line.Slope, 6);
        Assert.Equal(0, line.Acceleration);
        Assert.Equal(18 + 2 * 5, line.Predict(TimeSpan.FromSeconds(5)), 6);
    }

    [Fact]
    public void Samples_older_than_the_window_fall_out_and_an_empty_window_has_no_trend()
    {
        var window = new MetricWindow(TimeSpan.FromSeconds(10));
        window.Add(At(0), 100);
        window.Add(At(5), 100);
        window.Add(At(12), 20);

        Assert.Equal(2, window.Count); // t=0 fell out when t=12 came
        Assert.Equal(1, window.Trend(At(16))!.Samples);
        Assert.Null(window.Trend(At(30)));
    }

    [Fact]
    public void Out_of_order_samples_are_placed_in_order_and_non_finite_values_ignored()
    {
        var window = new MetricWindow(TimeSpan.FromSeconds(60));
        foreach (var (t, v) in new[] { (4.0, 9.0), (0, 1), (2, 5), (1, 3), (3, 7) })
        {
            window.Add(At(t), v);
        }

        window.Add(At(5), double.NaN);
        window.Add(At(5), double.PositiveInfinity);

        var trend = window.Trend(At(4))!;
        Assert.Equal(5, trend.Samples);
        Assert.Equal(9, trend.Level, 6);
        Assert.Equal(2, trend.Slope, 6);
        Assert.Equal(0, trend.Acceleration, 6);
    }

    [Fact]
    public void A_steady_noisy_load_predicts_about_its_average_not_a_trend_read_into_noise()
    {
        var random = new Random(7);
        var window = new MetricWindow(TimeSpan.FromSeconds(30));
        var predictions = new List<double>();
        for (var t = 0; t < 300; t++)
        {
            window.Add(At(t), 100 * (1 + (random.NextDouble() - 0.5) * 0.4)); // ±20%
            if (t >= 10)
            {
                predictions.Add(window.Trend(At(t))!.Predict(TimeSpan.FromSeconds(10)));
            }
        }

        // Reading a slope into ±20% noise and extrapolating it 10 s would swing far more than this.
        Assert.InRange(predictions.Min(), 85, 100);
        Assert.InRange(predictions.Max(), 100, 115);
    }

    [Fact]
    public void A_ramp_under_noise_is_seen_as_a_ramp()
    {
        var random = new Random(11);
        var window = new MetricWindow(TimeSpan.FromSeconds(30));
        for (var t = 0; t <= 20; t++)
        {
            window.Add(At(t), 20 + 3 * t + (random.NextDouble() - 0.5) * 6);
        }

        var trend = window.Trend(At(20))!;
        Assert.InRange(trend.Slope, 2.5, 3.5);
        Assert.InRange(trend.Predict(TimeSpan.FromSeconds(10)), 100, 120); // 20 + 3·30 = 110
        Assert.InRange(trend.Average, 45, 55); // what a threshold on the average would see: 50
    }

    [Fact]
    public void A_step_in_the_load_is_read_from_the_samples_since_the_step_not_averaged_away()
    {
        var random = new Random(3);
        var window = new MetricWindow(TimeSpan.FromSeconds(30));
        for (var t = 0; t < 20; t++)
        {
            window.Add(At(t), 10 + (random.NextDouble() - 0.5) * 4);
        }

        window.Add(At(20), 90);
        window.Add(At(21), 92);

        var trend = window.Trend(At(21))!;
        Assert.InRange(trend.Level, 90, 92); // the level since the step
        Assert.InRange(trend.Average, 15, 18); // what a threshold on the window's average sees
        Assert.Equal(2, trend.Samples); // the level was read from the two since the step
    }

    [Fact]
    public void A_prediction_never_goes_below_zero()
    {
        var window = new MetricWindow(TimeSpan.FromSeconds(60));
        window.Add(At(0), 90);
        window.Add(At(3), 60);
        window.Add(At(5), 40);

        Assert.Equal(0, window.Trend(At(5))!.Predict(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Samples_at_one_instant_give_their_mean_as_a_constant()
    {
        var window = new MetricWindow(TimeSpan.FromSeconds(60));
        window.Add(At(3), 10);
        window.Add(At(3), 30);

        var trend = window.Trend(At(3))!;
        Assert.Equal((20.0, 0.0), (trend.Level, trend.Slope));
    }

    [Fact]
    public void The_start_up_horizon_is_the_median_of_measured_start_ups_or_a_fallback()
    {
        Assert.Equal(StartupHorizon.Fallback, StartupHorizon.Measure([]));
        Assert.Equal(TimeSpan.FromSeconds(3), StartupHorizon.Measure([TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)]));
        Assert.Equal(TimeSpan.FromSeconds(2.5), StartupHorizon.Measure([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.Zero]));
    }
}
