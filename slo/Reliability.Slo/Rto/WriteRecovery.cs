namespace Reliability.Slo.Rto;

/// <summary>The write outage a fault caused, from the acknowledgement times of the write ledger.</summary>
internal sealed record WriteOutage(DateTimeOffset? LastAckBefore, DateTimeOffset? FirstAckAfter, TimeSpan Rto)
{
    public bool Recovered => FirstAckAfter is not null;
}

/// <summary>
/// Write RTO: the time from injection to the first acknowledged write after the write outage. The outage
/// is the longest pause between two consecutive acknowledgements that ends after the injection; a pause
/// shorter than <c>gap</c> is steady traffic, not an outage, and gives an RTO of zero.
/// </summary>
internal static class WriteRecovery
{
    public static WriteOutage Measure(IEnumerable<DateTimeOffset> acks, DateTimeOffset injectedAt, DateTimeOffset end, TimeSpan gap)
    {
        var sorted = acks.Where(a => a <= end).Order().ToList();
        var before = sorted.LastOrDefault(a => a <= injectedAt);
        var after = sorted.Where(a => a > injectedAt).ToList();
        if (after.Count == 0)
        {
            return new WriteOutage(before == default ? null : before, null, end - injectedAt);
        }
        // Pairs (previous ack, next ack) whose next ack is after the injection; the first pair starts at the last ack before it.
        var previous = before == default ? injectedAt : before;
        (DateTimeOffset From, DateTimeOffset To) longest = (previous, after[0]);
        foreach (var ack in after)
        {
            if (ack - previous > longest.To - longest.From)
            {
                longest = (previous, ack);
            }
            previous = ack;
        }
        if (longest.To - longest.From < gap)
        {
            return new WriteOutage(before == default ? null : before, after[0], TimeSpan.Zero);
        }
        var rto = longest.To - injectedAt;
        return new WriteOutage(longest.From, longest.To, rto < TimeSpan.Zero ? TimeSpan.Zero : rto);
    }
}
