using System.Globalization;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>A metric as CloudWatch tells metrics apart: namespace, name and the exact set of dimensions.</summary>
internal sealed record MetricKey(string Namespace, string Name, string Dimensions)
{
    public static MetricKey Of(string ns, string name, IEnumerable<(string Name, string Value)> dimensions) =>
        new(ns, name, string.Join(",", dimensions.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => $"{d.Name}={d.Value}")));
}

/// <summary>One datum as published: distinct values with their counts (a single value has count 1).</summary>
internal sealed record Sample(DateTimeOffset At, double[] Values, double[] Counts);

/// <summary>
/// The datapoints PutMetricData delivered, and the statistics CloudWatch computes from them over a period:
/// Sum, Average, Minimum, Maximum, SampleCount and percentiles (p95, p99.9) from the published values.
/// A stand-in keeps a bounded history (six hours unless told otherwise), where CloudWatch keeps 15 months.
/// </summary>
internal sealed class MetricStore(TimeProvider time, TimeSpan? retention = null)
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(6);
    public TimeSpan Retention { get; } = retention ?? DefaultRetention;
    private readonly Dictionary<MetricKey, List<Sample>> _samples = [];
    private readonly Lock _lock = new();

    public void Add(MetricKey key, Sample sample)
    {
        lock (_lock)
        {
            if (!_samples.TryGetValue(key, out var list))
            {
                _samples[key] = list = [];
            }
            list.Add(sample);
            var horizon = time.GetUtcNow() - Retention;
            if (list.Count > 0 && list[0].At < horizon)
            {
                list.RemoveAll(s => s.At < horizon);
            }
        }
    }

    /// <summary>The statistic of every period in [start, end) that has data, by period start; periods align to the epoch.</summary>
    public SortedDictionary<DateTimeOffset, double> Series(MetricKey key, string statistic, int periodSeconds, DateTimeOffset start, DateTimeOffset end)
    {
        var series = new SortedDictionary<DateTimeOffset, double>();
        List<Sample> samples;
        lock (_lock)
        {
            samples = _samples.TryGetValue(key, out var list) ? [.. list.Where(s => s.At >= start && s.At < end)] : [];
        }
        foreach (var period in samples.GroupBy(s => Align(s.At, periodSeconds)))
        {
            if (Statistic(period.ToList(), statistic) is { } value)
            {
                series[period.Key] = value;
            }
        }
        return series;
    }

    public static DateTimeOffset Align(DateTimeOffset at, int periodSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds() / periodSeconds * periodSeconds);

    public static bool IsStatistic(string statistic) =>
        statistic is "Sum" or "Average" or "Minimum" or "Maximum" or "SampleCount" || Percentile(statistic) is not null;

    internal static double? Statistic(IReadOnlyList<Sample> samples, string statistic)
    {
        var pairs = samples.SelectMany(s => s.Values.Zip(s.Counts)).Where(p => p.Second > 0).ToList();
        if (pairs.Count == 0)
        {
            return null;
        }
        var count = pairs.Sum(p => p.Second);
        return statistic switch
        {
            "Sum" => pairs.Sum(p => p.First * p.Second),
            "Average" => pairs.Sum(p => p.First * p.Second) / count,
            "Minimum" => pairs.Min(p => p.First),
            "Maximum" => pairs.Max(p => p.First),
            "SampleCount" => count,
            _ when Percentile(statistic) is { } p => Rank(pairs, count, p),
            _ => null,
        };
    }

    private static double? Percentile(string statistic) =>
        statistic.Length > 1 && statistic[0] == 'p' && double.TryParse(statistic[1..], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 100 ? p : null;

    // Nearest rank: the smallest value with at least p % of the samples at or below it.
    private static double Rank(List<(double First, double Second)> pairs, double count, double percentile)
    {
        var target = Math.Ceiling(percentile / 100 * count);
        var seen = 0.0;
        foreach (var (value, n) in pairs.OrderBy(p => p.First))
        {
            seen += n;
            if (seen >= target)
            {
                return value;
            }
        }
        return pairs.Max(p => p.First);
    }
}
