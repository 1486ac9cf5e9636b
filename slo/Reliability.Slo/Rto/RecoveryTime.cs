namespace Reliability.Slo.Rto;

/// <summary>
/// The moment service came back, as users saw it. Service has left its objective when the SLI over a
/// sliding <c>window</c> first misses it after <c>from</c> (the injection); the first bad second is the
/// first second of that window that misses the objective on its own. The recovered moment is the start
/// of the first second after it from which the SLI meets the objective and keeps meeting it for
/// <c>stableFor</c>, every window counted from that second on: failures from before it never delay it
/// by a window, so an outage held for a known time reads back within one bucket of it. RTO is the time
/// from injection to that moment; if service never left objective, RTO is zero.
/// </summary>
internal static class RecoveryTime
{
    public sealed record Result(TimeSpan? Rto, DateTimeOffset? RecoveredAt, DateTimeOffset? FirstBadAt, string Explanation);

    /// <param name="buckets">Consecutive SLI buckets of <paramref name="bucketWidth"/>, by start time.</param>
    /// <param name="meets">Whether a window of buckets meets the objective (false when it holds no traffic).</param>
    public static Result Measure<T>(IReadOnlyList<(DateTimeOffset Start, T Value)> buckets, DateTimeOffset from, TimeSpan bucketWidth,
        TimeSpan window, TimeSpan stableFor, Func<IReadOnlyList<T>, bool> meets, DateTimeOffset observedUntil)
    {
        var after = buckets.Where(b => b.Start >= from - bucketWidth && b.Start + bucketWidth <= observedUntil).OrderBy(b => b.Start).ToList();
        if (after.Count == 0)
        {
            return new Result(null, null, null, "no load was measured after the injection");
        }
        var perWindow = Math.Max(1, (int)Math.Round(window / bucketWidth));
        var perStable = Math.Max(1, (int)Math.Round(stableFor / bucketWidth));
        // The window ending at bucket `end`, never reaching back before bucket `since`.
        bool WindowOk(int end, int since = 0)
        {
            var first = Math.Max(since, end - perWindow + 1);
            return meets([.. after.Skip(first).Take(end - first + 1).Select(b => b.Value)]);
        }

        var firstBadWindow = Enumerable.Range(0, after.Count).FirstOrDefault(i => !WindowOk(i), -1);
        if (firstBadWindow < 0)
        {
            return new Result(TimeSpan.Zero, from, null, "the SLI stayed within objective throughout");
        }
        var firstBad = Enumerable.Range(Math.Max(0, firstBadWindow - perWindow + 1), Math.Min(perWindow, firstBadWindow + 1))
            .FirstOrDefault(b => !meets([after[b].Value]), firstBadWindow);
        for (var i = firstBad + 1; i + perStable <= after.Count; i++)
        {
            var start = i;
            if (Enumerable.Range(i, perStable).All(end => WindowOk(end, since: start)))
            {
                var recoveredAt = after[i].Start;
                var rto = recoveredAt - from;
                return new Result(rto < TimeSpan.Zero ? TimeSpan.Zero : rto, recoveredAt, after[firstBad].Start,
                    $"SLI out of objective from {after[firstBad].Start:HH:mm:ss}; back within it from {recoveredAt:HH:mm:ss.f} (the first second from which it met the objective, and kept meeting it for {stableFor.TotalSeconds:0} s)");
            }
        }
        return new Result(null, null, after[firstBad].Start, $"the SLI did not return to objective and stay there for {stableFor.TotalSeconds:0} s before the observation ended");
    }
}
