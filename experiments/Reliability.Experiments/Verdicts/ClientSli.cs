using Reliability.Experiments.Definitions;
using Reliability.Experiments.Running;
using Reliability.Load.Engine;

namespace Reliability.Experiments.Verdicts;

/// <summary>
/// What users saw in one phase, from the load generator: success percentage and p95, and, against the
/// availability SLO of slo/specs (the one named "*availability"), the burn rate and the share of a
/// 30-day error budget the phase spent at that failure rate.
/// </summary>
public sealed record PhaseClientSli(Phase Phase, long Iterations, double SuccessPercent, double P95Ms, string? Slo, double? BurnRate, double? BudgetSpentPercent);

public static class ClientSli
{
    public static IReadOnlyList<PhaseClientSli> Measure(ScenarioRun? load, IReadOnlyList<Slo.Specs.Slo> slos,
        IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> phases)
    {
        if (load is null)
        {
            return [];
        }
        var availability = slos.FirstOrDefault(s => s.Name.EndsWith("availability", StringComparison.Ordinal));
        var budget = availability is null ? (double?)null : (double)Slo.Specs.RuleGenerator.Budget(availability);
        var width = load.Measurements.Series.BucketWidth;
        var results = new List<PhaseClientSli>();
        foreach (var (phase, (start, end)) in phases.OrderBy(p => p.Value.Start))
        {
            // The same windows the phase objectives are judged on: in-flight iterations count into the next phase.
            var from = phase == Phase.Steady ? start : start - width;
            var to = phase == Phase.Recovery ? end : end - width;
            var stats = LoadWindow.Merge(load.Measurements, load.StartedAt, from, to);
            if (stats.Count == 0)
            {
                continue;
            }
            var failRatio = (double)stats.Failed / stats.Count;
            results.Add(new PhaseClientSli(phase, stats.Count, (1 - failRatio) * 100, stats.Latency.Percentile(95).TotalMilliseconds, availability?.Name,
                budget is { } b ? failRatio / b : null,
                budget is { } b2 ? failRatio * (to - from).TotalSeconds / (b2 * TimeSpan.FromDays(30).TotalSeconds) * 100 : null));
        }
        return results;
    }
}
