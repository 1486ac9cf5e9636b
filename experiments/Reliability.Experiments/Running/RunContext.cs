using Reliability.Experiments.Definitions;
using Reliability.Experiments.Journal;

namespace Reliability.Experiments.Running;

public enum ExperimentOutcome { Completed, Stopped, SteadyStateNotMet }

/// <summary>The state of one run as phases pass: the current phase, when each began, and how it ended.</summary>
internal sealed class RunContext(ExperimentDefinition definition, ExperimentJournal journal)
{
    private Phase? _current;

    public ExperimentDefinition Definition { get; } = definition;
    public ExperimentJournal Journal { get; } = journal;
    public ExperimentOutcome Outcome { get; set; } = ExperimentOutcome.Completed;
    public DateTimeOffset? RecoveryStart { get; private set; }

    /// <summary>Ends the current phase and starts <paramref name="next"/> (null: the run is over).</summary>
    public void Phase(Phase? next, DateTimeOffset at)
    {
        if (_current is { } current)
        {
            Journal.Write("phase-end", new { phase = current }, at);
        }
        if (next is { } n)
        {
            Journal.Write("phase", new { phase = n }, at);
        }
        if (next == Definitions.Phase.Recovery)
        {
            RecoveryStart = at;
        }
        _current = next;
    }
}
