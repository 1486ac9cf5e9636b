using Reliability.Experiments.Definitions;
using Reliability.Experiments.Journal;
using Reliability.Experiments.Verdicts;
using Reliability.Load.Engine;

namespace Reliability.Experiments.Running;

public sealed partial class ExperimentRunner
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
        if (run.Definition.StopConditions.Count == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop) && !window.IsCancellationRequested)
            {
                var now = _time.GetUtcNow();
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
                        run.Journal.Write("stop-condition", new { condition = condition.Expression, measured = verdict.Measured });
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

    private static void WriteSeries(ExperimentJournal journal, ScenarioRun load)
    {
        journal.Write("load-series", new
        {
            startedAt = load.StartedAt,
            bucketSeconds = load.Measurements.Series.BucketWidth.TotalSeconds,
            buckets = load.Measurements.Series.Buckets().Select(b => JournalProgress.Bucket(load.StartedAt + b.Start, b.Stats)),
        });
        var s = load.Measurements.Scenario;
        journal.Write("load-summary", new
        {
            count = s.Count,
            ok = s.Ok,
            failed = s.Failed,
            reasons = s.Failures,
            rps = Math.Round(load.Rps, 1),
            dropped = load.Measurements.Dropped,
            p50Ms = s.Latency.Percentile(50).TotalMilliseconds,
            p95Ms = s.Latency.Percentile(95).TotalMilliseconds,
            p99Ms = s.Latency.Percentile(99).TotalMilliseconds,
            maxMs = s.Latency.Max.TotalMilliseconds,
        });
    }
}
