using Reliability.Load.Engine;
using Reliability.Load.Scenarios;

namespace Reliability.Load.Thresholds;

/// <summary>Checks abort-on-fail thresholds and reports progress once a second while a run lasts.</summary>
internal sealed class ThresholdMonitor(Scenario scenario, RunMeasurements measurements, RunState run, TimeProvider time, ILoadProgress? progress) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public ThresholdVerdict? AbortedBy { get; private set; }

    public async Task RunAsync()
    {
        var abortable = scenario.Thresholds.Where(t => t.AbortOnFail).ToList();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, run.Stopping.Token);
        while (!linked.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, linked.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var elapsed = time.GetElapsedTime(run.Start);
            progress?.OnTick(scenario, measurements, elapsed);
            if (elapsed <= scenario.WarmUp)
            {
                continue;
            }
            foreach (var threshold in abortable)
            {
                var verdict = threshold.Evaluate(measurements, elapsed - scenario.WarmUp);
                if (verdict is { Passed: false, Measured: not null })
                {
                    AbortedBy = verdict;
                    await run.Stopping.CancelAsync();
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
