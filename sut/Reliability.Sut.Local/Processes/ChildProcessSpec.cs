namespace Reliability.Sut.Local.Processes;

/// <summary>What to start: the program, its arguments and environment, and where its output goes.</summary>
internal sealed record ChildProcessSpec
{
    public required string Name { get; init; }
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? WorkingDirectory { get; init; }
    public required string LogFile { get; init; }
    /// <summary>When the harness runs as root, drop to this account (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUserWhenRoot { get; init; }

    /// <summary>
    /// The program writes straight to its log file instead of a pipe to the harness: for programs whose own
    /// children inherit their output and may outlive them (PostgreSQL's backends, Patroni's postmaster), so
    /// that no teardown ever waits for a pipe someone else still holds. Its lines are not observed live.
    /// </summary>
    public bool OutputToLogFile { get; init; }
}
