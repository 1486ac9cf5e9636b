namespace Reliability.Sut.Local.Monitoring;

/// <summary>
/// Every timing of the local monitoring stack, in one place. Production rules say "for 5m over [5m]";
/// a local experiment lasts a minute or two, so rule durations are compressed by <see cref="RuleTimeScale"/>
/// (5m becomes 10 s at the default 1/30) while scraping and evaluation run every second.
/// </summary>
internal sealed record MonitoringTimings
{
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Multiplier applied to every `for:` and range selector in the rule files. Default 1/30.</summary>
    public double RuleTimeScale { get; init; } = 1.0 / 30;
    /// <summary>A compressed range never gets shorter than this, so rate() still sees several samples. Default 4 s.</summary>
    public TimeSpan MinimumRange { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromHours(1);

    public void Validate()
    {
        if (ScrapeInterval <= TimeSpan.Zero || EvaluationInterval <= TimeSpan.Zero || GroupWait < TimeSpan.Zero || GroupInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("monitoring intervals must be positive");
        }
        if (RuleTimeScale is <= 0 or > 1)
        {
            throw new ArgumentException($"rule time scale must be in (0, 1], got {RuleTimeScale}");
        }
    }
}
