namespace Reliability.Load.Simulations;

/// <summary>
/// When the i-th arrival of an open-model simulation is due, in seconds from its start: the time at
/// which the integral of the (piecewise linear) rate reaches i. Arrival 0 is at time 0, as in k6.
/// </summary>
internal sealed class ArrivalSchedule
{
    private readonly (double Start, double From, double To, double Length, double CountBefore)[] _stages;
    private readonly double _total;

    public ArrivalSchedule(double startRate, IReadOnlyList<RampStage> stages)
    {
        var list = new List<(double, double, double, double, double)>();
        double time = 0, count = 0, rate = startRate;
        foreach (var stage in stages)
        {
            var length = stage.Duration.TotalSeconds;
            list.Add((time, rate, stage.Target, length, count));
            count += (rate + stage.Target) / 2 * length;
            time += length;
            rate = stage.Target;
        }
        _stages = [.. list];
        _total = time;
        ExpectedCount = count;
    }

    public static ArrivalSchedule Constant(double rate, TimeSpan duration) => new(rate, [new RampStage(duration, rate)]);

    /// <summary>The area under the rate curve: how many arrivals the whole simulation should produce.</summary>
    public double ExpectedCount { get; }

    /// <summary>Seconds from the start at which arrival <paramref name="index"/> is due, or null past the end.</summary>
    public double? TimeOf(long index)
    {
        foreach (var (start, from, to, length, before) in _stages)
        {
            var area = (from + to) / 2 * length;
            var x = index - before;
            if (x < 0 || x >= area)
            {
                continue;
            }
            var slope = (to - from) / length;
            var t = Math.Abs(slope) < 1e-12
                ? x / from
                : (-from + Math.Sqrt(Math.Max(0, from * from + 2 * slope * x))) / slope;
            return start + t;
        }
        return null;
    }

    /// <summary>Rate at <paramref name="seconds"/> from the start.</summary>
    public double RateAt(double seconds)
    {
        foreach (var (start, from, to, length, _) in _stages)
        {
            if (seconds >= start && seconds < start + length)
            {
                return from + (to - from) * (seconds - start) / length;
            }
        }
        return seconds >= _total && _stages.Length > 0 ? _stages[^1].To : 0;
    }
}
