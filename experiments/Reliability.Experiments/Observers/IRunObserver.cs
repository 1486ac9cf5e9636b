using Reliability.Evidence.Journal;

namespace Reliability.Experiments.Observers;

/// <summary>
/// Something that records evidence into the journal while a run lasts: started before the load, disposed
/// (and so stopped, with whatever it says last) after recovery. A source it cannot reach is journalled as
/// an observation gap, never silently skipped.
/// </summary>
internal interface IRunObserver : IAsyncDisposable
{
    /// <summary>What it watches, for messages: "alerts", "local environment", "pods".</summary>
    string Name { get; }

    Task StartAsync(ExperimentJournal journal, CancellationToken ct);
}
