namespace Reliability.Sut.Configuration;

/// <summary>
/// Fixed-window limits per minute (OWASP API4). Defaults stop online password guessing;
/// load tests that sign up many virtual users from one address raise them.
/// </summary>
internal sealed record RateLimitSettings
{
    public bool Enabled { get; init; } = true;
    public int LoginPerUsernamePerMinute { get; init; } = 10;
    public int LoginPerClientPerMinute { get; init; } = 100;
    public int SignupPerClientPerMinute { get; init; } = 30;

    public static RateLimitSettings From(SettingsReader reader) => new()
    {
        Enabled = reader.Bool("RATE_LIMITS_ENABLED", true),
        LoginPerUsernamePerMinute = reader.Int("RATE_LIMIT_LOGIN_PER_USERNAME", 10, min: 1, max: 1_000_000),
        LoginPerClientPerMinute = reader.Int("RATE_LIMIT_LOGIN_PER_CLIENT", 100, min: 1, max: 1_000_000),
        SignupPerClientPerMinute = reader.Int("RATE_LIMIT_SIGNUP_PER_CLIENT", 30, min: 1, max: 1_000_000),
    };
}
