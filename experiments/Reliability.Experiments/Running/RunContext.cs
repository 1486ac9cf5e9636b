using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Experiments.Running;

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
            Journal.Write(new PhaseEnded(current) { At = at });
        }
        if (next is { } n)
        {
            Journal.Write(new PhaseStarted(n) { At = at });
        }
        if (next == Evidence.Specs.Phase.Recovery)
        {
            RecoveryStart = at;
        }
        _current = next;
    }
}
