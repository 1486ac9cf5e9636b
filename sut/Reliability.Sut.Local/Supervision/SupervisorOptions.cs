namespace Reliability.Sut.Local.Supervision;

internal sealed record SupervisorOptions
{
    /// <summary>Wait before replacing a dead replica; about what pod re-creation takes. Default 2 s.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>SIGTERM grace before SIGKILL, like terminationGracePeriodSeconds. Default 10 s.</summary>
    public TimeSpan TerminationGrace { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often a starting replica's /ready is polled to record its Ready event. Default 100 ms.</summary>
    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Give up waiting for /ready after this long (the replica keeps running). Default 60 s.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        if (RestartDelay < TimeSpan.Zero || TerminationGrace < TimeSpan.Zero || ReadyPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("supervisor delays must not be negative, and the ready poll interval must be positive");
        }
    }
}
