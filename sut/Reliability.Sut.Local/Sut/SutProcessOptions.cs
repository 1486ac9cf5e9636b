namespace Reliability.Sut.Local.Sut;

/// <summary>One SUT replica: where it runs (zone, pod) and what it connects to.</summary>
internal sealed record SutProcessOptions
{
    public required string DatabaseUrl { get; init; }
    public required string JwtSigningKey { get; init; }
    public string Zone { get; init; } = "zone-a";
    public string PodName { get; init; } = "sut-zone-a-0";
    /// <summary>0 lets the kernel choose; the replica reports the port it bound.</summary>
    public int Port { get; init; }
    public TimeSpan DrainDelay { get; init; } = TimeSpan.Zero;
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Further environment variables (rate limits, KDF work factor, timeouts).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
