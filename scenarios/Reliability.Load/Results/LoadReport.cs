using System.Text.Json;
using System.Text.Json.Serialization;
using Reliability.Load.Engine;
using Reliability.Load.Measurement;

namespace Reliability.Load.Results;

/// <summary>
/// The raw results of a load run as JSON (schema "reliability.load/v1"): summaries per scenario and
/// step, threshold verdicts, the per-second series, and each histogram in HdrHistogram's compressed
/// encoding so runs from several engines can be merged.
/// </summary>
public sealed record LoadReport
{
    public string Schema { get; init; } = "reliability.load/v1";
    public required string Scenario { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>How many generators produced the load, when it was sharded; their measurements are merged here.</summary>
    public int? Shards { get; init; }
    /// <summary>The run's seed (<c>--seed</c>): the same seed gives every shard and virtual user the same random numbers again.</summary>
    public int Seed { get; init; }
    public required double MeasuredSeconds { get; init; }
    public required IReadOnlyList<string> Simulations { get; init; }
    public required bool Passed { get; init; }
    public string? AbortedBy { get; init; }
    public required long Dropped { get; init; }
    public required LatencySummary SchedulingLag { get; init; }
    public required OutcomeSummary Summary { get; init; }
    public required IReadOnlyDictionary<string, OutcomeSummary> Steps { get; init; }
    public required IReadOnlyList<ThresholdResult> Thresholds { get; init; }
    public required IReadOnlyList<SeriesPoint> Series { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static LoadReport From(ScenarioRun run) => new()
    {
        Scenario = run.Scenario.Name,
        StartedAt = run.StartedAt,
        Seed = run.Scenario.Seed,
        MeasuredSeconds = run.MeasuredFor.TotalSeconds,
        Simulations = run.Scenario.Simulations.Select(s => s.Describe()).ToList(),
        Passed = run.Passed,
        AbortedBy = run.AbortedBy?.Threshold.Expression,
        Dropped = run.Measurements.Dropped,
        SchedulingLag = LatencySummary.From(run.Measurements.SchedulingLag),
        Summary = OutcomeSummary.From(run.Measurements.Scenario, run.MeasuredFor, withHistogram: true),
        Steps = run.Measurements.Steps.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => OutcomeSummary.From(s.Value, run.MeasuredFor, withHistogram: true)),
        Thresholds = run.Thresholds.Select(ThresholdResult.From).ToList(),
        Series = run.Measurements.Series.Buckets().Select(b => SeriesPoint.From(b.Start, b.Stats, run.Measurements.Series.BucketWidth)).ToList(),
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}

public sealed record OutcomeSummary(long Count, long Ok, long Failed, IReadOnlyDictionary<string, long> Failures, double Rps, LatencySummary Latency, LatencySummary ServiceTime, string? LatencyHistogram)
{
    public static OutcomeSummary From(OutcomeStats stats, TimeSpan measuredFor, bool withHistogram) => new(
        stats.Count, stats.Ok, stats.Failed, stats.Failures.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(f => f.Key, f => f.Value),
        measuredFor <= TimeSpan.Zero ? 0 : Math.Round(stats.Count / measuredFor.TotalSeconds, 2),
        LatencySummary.From(stats.Latency), LatencySummary.From(stats.ServiceTime), withHistogram ? stats.Latency.Encode() : null);
}

/// <summary>Milliseconds, to the microsecond.</summary>
public sealed record LatencySummary(double Min, double Mean, double P50, double P75, double P95, double P99, double P999, double Max)
{
    public static LatencySummary From(LatencyHistogram h) => new(
        Ms(h.Min), Ms(h.Mean), Ms(h.Percentile(50)), Ms(h.Percentile(75)), Ms(h.Percentile(95)), Ms(h.Percentile(99)), Ms(h.Percentile(99.9)), Ms(h.Max));

    private static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 3);
}

public sealed record ThresholdResult(string Expression, bool Passed, double? Measured, bool AbortOnFail, string? Problem)
{
    public static ThresholdResult From(Thresholds.ThresholdVerdict v) => new(v.Threshold.Expression, v.Passed, v.Measured is { } m ? Math.Round(m, 4) : null, v.Threshold.AbortOnFail, v.Problem);
}

/// <summary>One bucket of the time series: its start (seconds from the run's start) and what happened in it.</summary>
public sealed record SeriesPoint(double T, long Ok, IReadOnlyDictionary<string, long> Failures, double P50, double P95, double P99, string Histogram)
{
    public static SeriesPoint From(TimeSpan start, OutcomeStats stats, TimeSpan width) => new(
        start.TotalSeconds, stats.Ok, stats.Failures.ToDictionary(f => f.Key, f => f.Value),
        Math.Round(stats.Latency.Percentile(50).TotalMilliseconds, 3), Math.Round(stats.Latency.Percentile(95).TotalMilliseconds, 3),
        Math.Round(stats.Latency.Percentile(99).TotalMilliseconds, 3), stats.Latency.Encode());
}
