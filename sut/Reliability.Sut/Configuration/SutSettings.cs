namespace Reliability.Sut.Configuration;

/// <summary>
/// Every knob of the SUT, read once from the environment (the operations guide names them).
/// Defaults suit a production pod; the embedded environment and the tests override what they need.
/// </summary>
internal sealed record SutSettings
{
    public string BindAddress { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8080;
    public required string ConnectionString { get; init; }
    public int DbMaxConnections { get; init; } = 32;
    public int DbMinConnections { get; init; } = 5;
    public int DbConnectTimeoutSeconds { get; init; } = 3;
    public int DbCommandTimeoutSeconds { get; init; } = 5;
    public TimeSpan ReadyDbTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Time /ready reports 503 while the listener still serves, so load balancers notice first.</summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Upper bound on how long in-flight requests may finish after the listener closes.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);
    public string Zone { get; init; } = "unknown";
    public string PodName { get; init; } = Environment.MachineName;
    public int MaxRequestBodyBytes { get; init; } = 64 * 1024;
    public required JwtSettings Jwt { get; init; }
    public required RateLimitSettings RateLimits { get; init; }
    public int PasswordHashIterations { get; init; } = 100_000;
    /// <summary>
    /// The proxies (an ingress, a load balancer) whose X-Forwarded-For is believed: the client address the
    /// rate limits key on. Empty by default: a header anyone can send is no identity.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    public static SutSettings From(IConfiguration config, bool isDevelopment)
    {
        var reader = new SettingsReader(config);
        var settings = new SutSettings
        {
            BindAddress = reader.String("BIND_ADDRESS", "0.0.0.0"),
            Port = reader.Int("PORT", 8080, min: 0, max: 65535),
            ConnectionString = DatabaseUrl.ToConnectionString(reader.Required("DATABASE_URL")),
            DbMaxConnections = reader.Int("DB_MAX_CONNECTIONS", 32, min: 1, max: 1000),
            DbMinConnections = reader.Int("DB_MIN_CONNECTIONS", 5, min: 0, max: 1000),
            DbConnectTimeoutSeconds = reader.Int("DB_CONNECT_TIMEOUT_SECONDS", 3, min: 1, max: 300),
            DbCommandTimeoutSeconds = reader.Int("DB_COMMAND_TIMEOUT_SECONDS", 5, min: 1, max: 3600),
            ReadyDbTimeout = TimeSpan.FromMilliseconds(reader.Int("READY_DB_TIMEOUT_MS", 1000, min: 50, max: 60_000)),
            RequestTimeout = TimeSpan.FromSeconds(reader.Int("REQUEST_TIMEOUT_SECONDS", 30, min: 1, max: 3600)),
            DrainDelay = TimeSpan.FromMilliseconds(reader.Int("DRAIN_DELAY_MS", 3000, min: 0, max: 600_000)),
            DrainTimeout = TimeSpan.FromSeconds(reader.Int("DRAIN_TIMEOUT_SECONDS", 20, min: 0, max: 3600)),
            Zone = reader.String("ZONE", "unknown"),
            PodName = reader.String("POD_NAME", Environment.MachineName),
            PasswordHashIterations = reader.Int("PASSWORD_HASH_ITERATIONS", 100_000, min: 10_000, max: 10_000_000),
            Jwt = JwtSettings.From(reader, isDevelopment),
            RateLimits = RateLimitSettings.From(reader),
            TrustedProxies = reader.Networks("TRUSTED_PROXIES"),
        };
        if (settings.DbMinConnections > settings.DbMaxConnections)
        {
            throw new SettingsException("DB_MIN_CONNECTIONS", $"must not exceed DB_MAX_CONNECTIONS ({settings.DbMaxConnections})");
        }
        return settings;
    }
}
