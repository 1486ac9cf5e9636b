using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Results;

/// <summary>
/// One SLO over one phase as Prometheus saw it: the good-event percentage, the burn rate (error ratio
/// over budget) and the share of a 30-day error budget the phase spent, assuming steady traffic.
/// </summary>
public sealed record PhaseSli(Phase Phase, string Slo, double? GoodPercent, double? BurnRate, double? BudgetSpentPercent, string? Problem);

/// <summary>
/// What users saw in one phase, from the load generator: success percentage and p95, and, against the
/// availability SLO of slo/specs (the one named "*availability"), the burn rate and the share of a
/// 30-day error budget the phase spent at that failure rate.
/// </summary>
public sealed record PhaseClientSli(Phase Phase, long Iterations, double SuccessPercent, double P95Ms, string? Slo, double? BurnRate, double? BudgetSpentPercent);
