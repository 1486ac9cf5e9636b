using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// Several faults can hit one link at once (a zone partition over a database delay): each keeps its own
/// entry and the link carries their combination, so recovering one leaves the others in place.
/// </summary>
internal sealed class LinkFaultStack
{
    private readonly Dictionary<LinkProxy, List<(object Owner, LinkFaults Faults)>> _active = [];
    private readonly Lock _gate = new();

    /// <summary>Adds the owner's faults to the link; returns what the link carries now.</summary>
    public LinkFaults Push(LinkProxy link, object owner, LinkFaults faults)
    {
        lock (_gate)
        {
            if (!_active.TryGetValue(link, out var list))
            {
                _active[link] = list = [];
            }
            list.Add((owner, faults));
            var combined = Combine(list.Select(e => e.Faults));
            link.Apply(combined);
            return combined;
        }
    }

    /// <summary>Removes the owner's faults from the link; returns what the link carries now.</summary>
    public LinkFaults Pop(LinkProxy link, object owner)
    {
        lock (_gate)
        {
            if (!_active.TryGetValue(link, out var list))
            {
                return LinkFaults.None;
            }
            list.RemoveAll(e => ReferenceEquals(e.Owner, owner));
            var combined = list.Count == 0 ? LinkFaults.None : Combine(list.Select(e => e.Faults));
            link.Apply(combined);
            if (list.Count == 0)
            {
                _active.Remove(link);
            }
            return combined;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            foreach (var link in _active.Keys)
            {
                link.Clear();
            }
            _active.Clear();
        }
    }

    internal static LinkFaults Combine(IEnumerable<LinkFaults> faults)
    {
        var result = LinkFaults.None;
        foreach (var f in faults)
        {
            result = result with
            {
                Latency = Max(result.Latency, f.Latency),
                Jitter = Max(result.Jitter, f.Jitter),
                Correlation = Math.Max(result.Correlation, f.Correlation),
                LatencyDirection = result.Latency == TimeSpan.Zero ? f.LatencyDirection
                    : f.Latency == TimeSpan.Zero ? result.LatencyDirection : Union(result.LatencyDirection, f.LatencyDirection),
                LossPercent = Math.Max(result.LossPercent, f.LossPercent),
                ConnectionDropPercent = Math.Max(result.ConnectionDropPercent, f.ConnectionDropPercent),
                Blackhole = (result.Blackhole, f.Blackhole) switch
                {
                    (null, var b) => b,
                    (var a, null) => a,
                    ({ } a, { } b) => Union(a, b),
                },
            };
        }
        return result;
    }

    private static LinkDirection Union(LinkDirection a, LinkDirection b) => a == b ? a : LinkDirection.Both;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
