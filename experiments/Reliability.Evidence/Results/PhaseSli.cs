using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Results;

/// <summary>
/// One SLO over one phase as Prometheus saw it: the good-event percentage, the burn rate (error ratio
/// over budget) and the share of a 30-day error budget the phase spent, assuming steady traffic.
/// </summary>
internal sealed record PhaseSli(Phase Phase, string Slo, double? GoodPercent, double? BurnRate, double? BudgetSpentPercent, string? Problem);

/// <summary>
/// What users saw in one phase, from the load generator: the share of requests answered well (as an edge
/// counts them; of iterations when the load kept no request counts) and the iterations' p95, and, against
/// the availability SLO of slo/specs (the one named "*availability"), the burn rate and the share of a
/// 30-day error budget the phase spent at that failure rate.
/// </summary>
internal sealed record PhaseClientSli(Phase Phase, long Iterations, double SuccessPercent, double P95Ms, string? Slo, double? BurnRate, double? BudgetSpentPercent)
{
    /// <summary>The requests the success percentage counts (0: it counts iterations).</summary>
    public long Requests { get; init; }
}
