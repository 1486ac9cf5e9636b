namespace Reliability.Evidence;

/// <summary>A span of wall-clock time, start included, end excluded.</summary>
internal readonly record struct TimeWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;

    public bool Overlaps(DateTimeOffset from, DateTimeOffset to) => Start < to && End > from;
}

/// <summary>A leaf fault from injection to recovery (null while it was never seen recovered), with what it hit.</summary>
internal sealed record FaultWindow(string Fault, string Kind, string? Action, DateTimeOffset InjectedAt, DateTimeOffset? RecoveredAt, IReadOnlyList<string> Pods, IReadOnlyList<string> Links);

/// <summary>A pod (replica, database member) down from a kill or hold-down until it was ready again (null: not within the run).</summary>
internal sealed record Outage(string Pod, DateTimeOffset DownAt, DateTimeOffset? ReadyAt);

/// <summary>A time a source of evidence did not answer; <see cref="End"/> is null when it never answered again.</summary>
internal sealed record ObservationGapWindow(string Source, DateTimeOffset Start, DateTimeOffset? End, string Error)
{
    public bool Overlaps(DateTimeOffset from, DateTimeOffset to) => Start < to && (End ?? DateTimeOffset.MaxValue) > from;
}
