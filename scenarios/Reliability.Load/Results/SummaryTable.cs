using System.Globalization;
using System.Text;
using Reliability.Load.Engine;
using Reliability.Load.Measurement;

namespace Reliability.Load.Results;

/// <summary>The end-of-run table: count, ok, failures by reason, rps and latency percentiles per scenario and step.</summary>
internal static class SummaryTable
{
    public static string Render(ScenarioRun run)
    {
        var text = new StringBuilder();
        var m = run.Measurements;
        text.AppendLine(CultureInfo.InvariantCulture, $"scenario {run.Scenario.Name}: {run.MeasuredFor.TotalSeconds:0.0} s measured, {string.Join("; ", run.Scenario.Simulations.Select(s => s.Describe()))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"name",-24} {"count",8} {"ok",8} {"fail",7} {"rps",8} {"min",8} {"mean",8} {"p50",8} {"p75",8} {"p95",8} {"p99",8} {"p99.9",8} {"max",8}  (ms)");
        Row(text, run.Scenario.Name, m.Scenario, run.MeasuredFor);
        foreach (var (name, stats) in m.Steps.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Row(text, $"  {name}", stats, run.MeasuredFor);
        }
        var failures = m.Steps.Values.Append(m.Scenario).SelectMany(s => s.Failures).GroupBy(f => f.Key).ToList();
        if (m.Scenario.Failures.Count > 0)
        {
            text.AppendLine("failures: " + string.Join(", ", m.Scenario.Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}")));
        }
        if (m.Dropped > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"dropped arrivals (no free virtual user): {m.Dropped}");
        }
        if (m.SchedulingLag.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"scheduling lag: p50 {m.SchedulingLag.Percentile(50).TotalMilliseconds:0.000} ms, p99 {m.SchedulingLag.Percentile(99).TotalMilliseconds:0.000} ms");
        }
        foreach (var verdict in run.Thresholds)
        {
            var measured = verdict.Measured is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : verdict.Problem;
            text.AppendLine(CultureInfo.InvariantCulture, $"threshold {(verdict.Passed ? "passed" : "FAILED")}: {verdict.Threshold.Expression} (measured {measured})");
        }
        if (run.AbortedBy is { } abort)
        {
            text.AppendLine($"aborted: threshold '{abort.Threshold.Expression}' crossed");
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, OutcomeStats s, TimeSpan measuredFor)
    {
        var l = s.Latency;
        string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture);
        var rps = measuredFor <= TimeSpan.Zero ? 0 : s.Count / measuredFor.TotalSeconds;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-24} {s.Count,8} {s.Ok,8} {s.Failed,7} {rps,8:0.0} {Ms(l.Min),8} {Ms(l.Mean),8} {Ms(l.Percentile(50)),8} {Ms(l.Percentile(75)),8} {Ms(l.Percentile(95)),8} {Ms(l.Percentile(99)),8} {Ms(l.Percentile(99.9)),8} {Ms(l.Max),8}");
    }
}
