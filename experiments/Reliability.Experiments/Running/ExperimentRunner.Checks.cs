using Reliability.Evidence;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Load.Engine;

namespace Reliability.Experiments.Running;

internal sealed partial class ExperimentRunner
{
    /// <summary>Before injecting: the steady-state objectives over the steady period so far (null when they hold).</summary>
    private static string? SteadyStateProblem(RunContext run, JournalProgress progress, DateTimeOffset from, DateTimeOffset to)
    {
        var objectives = run.Definition.Hypotheses.Objectives.Where(o => o.Phase == Phase.Steady).ToList();
        if (objectives.Count == 0 || progress.Measurements is not { } measurements)
        {
            return null;
        }
        // The last second is still in flight; judge what has completed.
        var stats = LoadWindow.Merge(measurements, progress.Started.Result, from, to - TimeSpan.FromSeconds(1));
        var failed = objectives.Select(o => o.Threshold.Evaluate(stats, to - from)).Where(v => !v.Passed).ToList();
        return failed.Count == 0 ? null
            : string.Join("; ", failed.Select(v => $"{v.Threshold.Expression}: measured {Verdict.Format(v.Threshold.Metric, v.Measured)}{(v.Problem is null ? "" : $" ({v.Problem})")}"));
    }

    /// <summary>While the fault is active, once a second: a met stop condition rolls the fault back at once.</summary>
    private async Task WatchStopConditionsAsync(RunContext run, JournalProgress progress, DateTimeOffset injectedAt, CancellationTokenSource window, CancellationToken stop)
    {
        if (run.Definition.StopConditions.Count == 0 && !SignalStops.Any(run.Definition) && target.Lever is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop) && !window.IsCancellationRequested)
            {
                if (await LeverTrippedAsync(run, "during the fault", stop) || await _signals.TrippedAsync(run, stop))
                {
                    await window.CancelAsync();
                    return;
                }
                var now = time.GetUtcNow();
                if (progress.Measurements is not { } measurements)
                {
                    continue;
                }
                foreach (var condition in run.Definition.StopConditions)
                {
                    var to = now - TimeSpan.FromSeconds(1);
                    var from = to - condition.For;
                    if (from < injectedAt)
                    {
                        continue;
                    }
                    var verdict = condition.Condition.Evaluate(LoadWindow.Merge(measurements, progress.Started.Result, from, to), condition.For);
                    if (verdict.Passed)
                    {
                        run.Outcome = ExperimentOutcome.Stopped;
                        run.Journal.Write(new StopConditionTripped(condition.Expression, verdict.Measured));
                        await console.WriteLineAsync($"stop condition met: {condition.Expression} (measured {Verdict.Format(condition.Condition.Metric, verdict.Measured)}); rolling back");
                        await window.CancelAsync();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// True, journalled as a tripped stop condition and said on the console, when the safety lever is
    /// engaged: the run ends as stopped, with nothing injected or with its fault rolled back.
    /// </summary>
    private async Task<bool> LeverTrippedAsync(RunContext run, string when, CancellationToken ct)
    {
        if (target.Lever is not { } lever || await lever.ReadAsync(ct) is not { Engaged: true } state)
        {
            return false;
        }
        run.Outcome = ExperimentOutcome.Stopped;
        run.Journal.Write(new StopConditionTripped($"safety lever {state} ({lever.Location}), {when}", null));
        await console.WriteLineAsync($"the safety lever is {state} ({lever.Location}): {(when == "during the fault" ? "rolling back" : "nothing is injected")}");
        return true;
    }

    /// <summary>The whole load for the journal once it ended: every bucket with its histogram, and the totals.</summary>
    private static void WriteLoad(ExperimentJournal journal, ScenarioRun load)
    {
        journal.Write(new LoadSeries(load.StartedAt, load.Measurements.Series.BucketWidth.TotalSeconds,
            [.. load.Measurements.Series.Buckets().Select(b => LoadEvidence.Bucket(load.StartedAt + b.Start, b.Stats))]));
        var s = load.Measurements.Scenario;
        double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 2);
        journal.Write(new LoadSummary(load.Scenario.Name, s.Count, s.Ok, s.Failed, s.Failures, Math.Round(load.Rps, 2), load.Measurements.Dropped,
            Ms(s.Latency.Min), Ms(s.Latency.Mean), Ms(s.Latency.Percentile(50)), Ms(s.Latency.Percentile(75)), Ms(s.Latency.Percentile(95)),
            Ms(s.Latency.Percentile(99)), Ms(s.Latency.Percentile(99.9)), Ms(s.Latency.Max)));
    }
}
