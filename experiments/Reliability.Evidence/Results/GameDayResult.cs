using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Results;

/// <summary>One experiment's place in the game day: its result, or why it did not run.</summary>
internal sealed record GameDayEntry(GameDayStep Step, string Name, ExperimentResult? Result, string? Skipped, string Folder);

internal sealed record GameDayResult(GameDayPlan Plan, IReadOnlyList<GameDayEntry> Entries, double Score, DateTimeOffset StartedAt, TimeSpan Took)
{
    public bool Passed => Entries.Count == Plan.Steps.Count && Entries.All(e => e.Result?.Passed == true);
}
