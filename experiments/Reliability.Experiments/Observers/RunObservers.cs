using Reliability.Evidence.Journal;
using Reliability.Experiments.Running;

namespace Reliability.Experiments.Observers;

/// <summary>
/// The one place a run's observers come from: the driver's own (the environment's events, or the
/// cluster's pods), the alert watcher when there is a Prometheus, and any the composition root adds.
/// Started together, stopped in reverse order.
/// </summary>
internal sealed class RunObservers : IAsyncDisposable
{
    private readonly List<IRunObserver> _started = [];

    private RunObservers()
    {
    }

    public static IReadOnlyList<IRunObserver> For(RunTarget target, TimeProvider time, IReadOnlyCollection<string>? alarms = null)
    {
        var observers = new List<IRunObserver>(target.Driver.Observers(time));
        if (target.Prometheus is { } prometheus)
        {
            observers.Add(new AlertWatcher(prometheus, target.Alertmanager, time));
        }
        if (target.CloudWatch is { } cloudWatch && alarms is { Count: > 0 })
        {
            observers.Add(new AlarmHistoryReader(cloudWatch, alarms, time));
        }
        observers.AddRange(target.Observers);
        return observers;
    }

    /// <param name="alarms">The CloudWatch alarms the experiment names (hypotheses, quiet ones, stops): only their history is read.</param>
    public static async Task<RunObservers> StartAsync(RunTarget target, ExperimentJournal journal, TimeProvider time, IReadOnlyCollection<string> alarms, CancellationToken ct)
    {
        var running = new RunObservers();
        try
        {
            foreach (var observer in For(target, time, alarms))
            {
                await observer.StartAsync(journal, ct);
                running._started.Add(observer);
            }
            return running;
        }
        catch
        {
            await running.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync();
        }
        _started.Clear();
    }
}
