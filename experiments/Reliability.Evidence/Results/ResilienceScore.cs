namespace Reliability.Evidence.Results;

/// <summary>
/// The game day's resilience score, 0 to 100: for each experiment the share of its hypotheses that
/// passed (an inconclusive one counts as not passed; an experiment that did not run or did not
/// complete scores 0), averaged with the experiments' weights. Σ wᵢ·passedᵢ/totalᵢ ÷ Σ wᵢ × 100.
/// </summary>
internal static class ResilienceScore
{
    public static double Of(IReadOnlyList<(double Weight, ExperimentResult? Result)> experiments)
    {
        var weights = experiments.Sum(e => e.Weight);
        if (weights <= 0)
        {
            return 0;
        }
        return 100 * experiments.Sum(e => e.Weight * Share(e.Result)) / weights;
    }

    private static double Share(ExperimentResult? result) =>
        result is null || result.Outcome != ExperimentOutcome.Completed || result.Verdicts.Count == 0
            ? 0
            : (double)result.Verdicts.Count(v => v.Status == VerdictStatus.Passed) / result.Verdicts.Count;
}
