namespace Reliability.Experiments.Safety;

/// <summary>The lever's position: engaged (by whom, when, why) or released.</summary>
internal sealed record LeverState(bool Engaged, string? Reason = null, string? By = null, DateTimeOffset? At = null)
{
    public static readonly LeverState Released = new(false);

    public override string ToString() => Engaged
        ? $"engaged{(At is { } at ? $" at {at:yyyy-MM-dd HH:mm:ss}Z" : "")}{(By is null ? "" : $" by {By}")}{(Reason is null ? "" : $": {Reason}")}"
        : "released";
}

/// <summary>
/// One switch to halt all chaos during a real incident: while engaged, every running experiment rolls its
/// faults back within a second and ends as stopped, and no experiment or game day starts. Reading it is
/// fail-safe: a lever that cannot be read counts as engaged.
/// </summary>
internal interface ISafetyLever
{
    /// <summary>Where it is kept, for messages ("file /tmp/...", "ConfigMap reliability/...").</summary>
    string Location { get; }

    Task<LeverState> ReadAsync(CancellationToken ct);

    Task EngageAsync(string reason, CancellationToken ct);

    Task ReleaseAsync(CancellationToken ct);
}
