namespace Reliability.Sut.Local.Links;

/// <summary>Which way a fault applies: from the client to the upstream, back, or both (Chaos Mesh's direction).</summary>
internal enum LinkDirection { Upstream, Downstream, Both }

/// <summary>
/// The faults active on a link, as one immutable value swapped atomically, so every chunk of every
/// connection, old or new, sees the current faults.
/// </summary>
internal sealed record LinkFaults
{
    public static readonly LinkFaults None = new();

    /// <summary>Added delay per chunk.</summary>
    public TimeSpan Latency { get; init; }
    /// <summary>Uniform spread around <see cref="Latency"/> (plus or minus).</summary>
    public TimeSpan Jitter { get; init; }
    /// <summary>0 to 100: how much each delay leans on the previous one (netem's correlation).</summary>
    public double Correlation { get; init; }
    /// <summary>
    /// Upstream by default: requests are delayed once, so a 100 ms latency adds 100 ms to a round trip,
    /// as netem does on one interface's egress.
    /// </summary>
    public LinkDirection LatencyDirection { get; init; } = LinkDirection.Upstream;

    /// <summary>
    /// 0 to 100: share of chunks "lost". TCP retransmits lost segments, so the user-visible symptom is a
    /// retransmission timeout, not missing bytes: a lost chunk is delayed by <see cref="RetransmitTimeout"/>,
    /// doubling for consecutive losses, as TCP backs off.
    /// </summary>
    public double LossPercent { get; init; }
    public TimeSpan RetransmitTimeout { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>0 to 100: share of new connections reset straight away.</summary>
    public double ConnectionDropPercent { get; init; }

    /// <summary>
    /// A partition in the given direction(s): nothing passes, new connections hang. Bytes in flight are
    /// held, as TCP would keep retransmitting them, and flow once the partition heals.
    /// </summary>
    public LinkDirection? Blackhole { get; init; }

    public bool IsNone => this == None;

    public bool Blocks(LinkDirection direction) =>
        Blackhole is { } b && (b == LinkDirection.Both || b == direction);

    public bool Delays(LinkDirection direction) =>
        Latency > TimeSpan.Zero && (LatencyDirection == LinkDirection.Both || LatencyDirection == direction);

    public void Validate()
    {
        if (Latency < TimeSpan.Zero || Jitter < TimeSpan.Zero)
        {
            throw new ArgumentException("latency and jitter must not be negative");
        }
        foreach (var (name, value) in new[] { ("correlation", Correlation), ("loss", LossPercent), ("connection drop", ConnectionDropPercent) })
        {
            if (value is < 0 or > 100)
            {
                throw new ArgumentException($"{name} must be between 0 and 100, got {value}");
            }
        }
    }
}
