using Reliability.Evidence;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Slo.Verdicts;

/// <summary>What users saw per phase, from the load in the journal, on the same windows the phase objectives are judged on.</summary>
internal static class ClientSli
{
    public static IReadOnlyList<PhaseClientSli> Measure(LoadEvidence? load, IReadOnlyList<Specs.Slo> slos, IReadOnlyDictionary<Phase, TimeWindow> phases)
    {
        if (load is null)
        {
            return [];
        }
        var availability = slos.FirstOrDefault(s => s.Name.EndsWith("availability", StringComparison.Ordinal));
        var budget = availability is null ? (double?)null : (double)Specs.RuleGenerator.Budget(availability);
        var results = new List<PhaseClientSli>();
        foreach (var (phase, window) in phases.OrderBy(p => p.Value.Start))
        {
            var (from, to) = HypothesisEvaluator.LoadWindow(phase, window, load.BucketWidth);
            var stats = load.Window(from, to);
            if (stats.Count == 0)
            {
                continue;
            }
            // Requests, as the edge counts them, so that both sides measure the same events; iterations when no requests were kept.
            var failRatio = stats.Requests > 0 ? (double)stats.FailedRequests / stats.Requests : (double)stats.Failed / stats.Count;
            results.Add(new PhaseClientSli(phase, stats.Count, (1 - failRatio) * 100, stats.Latency.Percentile(95).TotalMilliseconds, availability?.Name,
                budget is { } b ? failRatio / b : null,
                budget is { } b2 ? failRatio * (to - from).TotalSeconds / (b2 * TimeSpan.FromDays(30).TotalSeconds) * 100 : null)
            {
                Requests = stats.Requests,
            });
        }
        return results;
    }
}
