using Reliability.Load.Scenarios;
using Reliability.Load.Thresholds;

namespace Reliability.Load.Engine;

/// <summary>The outcome of one scenario run: measurements, threshold verdicts, and whether it stopped early.</summary>
public sealed record ScenarioRun(
    Scenario Scenario,
    RunMeasurements Measurements,
    IReadOnlyList<ThresholdVerdict> Thresholds,
    DateTimeOffset StartedAt,
    TimeSpan MeasuredFor,
    ThresholdVerdict? AbortedBy,
    bool Cancelled)
{
    public bool Passed => Thresholds.All(t => t.Passed) && AbortedBy is null && !Cancelled;

    public double Rps => MeasuredFor <= TimeSpan.Zero ? 0 : Measurements.Scenario.Count / MeasuredFor.TotalSeconds;
}
