namespace Reliability.Sut.Local.Links;

/// <summary>
/// Per-direction delay of each chunk: latency with correlated jitter (as netem computes it), plus a
/// TCP-like retransmission timeout for "lost" chunks that doubles while losses run consecutively.
/// </summary>
internal sealed class DelayShaper(Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private double _lastUniform = 0.5;
    private int _consecutiveLosses;

    public TimeSpan Next(LinkFaults faults, LinkDirection direction)
    {
        var delay = TimeSpan.Zero;
        if (faults.Delays(direction))
        {
            var correlation = faults.Correlation / 100.0;
            var uniform = correlation * _lastUniform + (1 - correlation) * _random.NextDouble();
            _lastUniform = uniform;
            delay = faults.Latency + faults.Jitter * (2 * uniform - 1);
        }
        if (faults.LossPercent > 0 && _random.NextDouble() * 100 < faults.LossPercent)
        {
            delay += faults.RetransmitTimeout * Math.Pow(2, Math.Min(_consecutiveLosses, 6));
            _consecutiveLosses++;
        }
        else
        {
            _consecutiveLosses = 0;
        }
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
