namespace Reliability.Slo.Rto;

/// <summary>
/// The moment service came back: after <c>from</c> (the injection), the first time the SLI over a
/// sliding window meets the objective and keeps meeting it for the stability period. RTO is the time
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
        bool WindowOk(int end) => meets([.. after.Skip(Math.Max(0, end - perWindow + 1)).Take(Math.Min(perWindow, end + 1)).Select(b => b.Value)]);

        var firstBad = Enumerable.Range(0, after.Count).FirstOrDefault(i => !WindowOk(i), -1);
        if (firstBad < 0)
        {
            return new Result(TimeSpan.Zero, from, null, "the SLI stayed within objective throughout");
        }
        for (var i = firstBad + 1; i + perStable <= after.Count; i++)
        {
            if (Enumerable.Range(i, perStable).All(WindowOk))
            {
                var recoveredAt = after[i].Start + bucketWidth;
                var rto = recoveredAt - from;
                return new Result(rto < TimeSpan.Zero ? TimeSpan.Zero : rto, recoveredAt, after[firstBad].Start,
                    $"SLI out of objective from {after[firstBad].Start:HH:mm:ss}; back within it at {recoveredAt:HH:mm:ss} and stable for {stableFor.TotalSeconds:0} s");
            }
        }
        return new Result(null, null, after[firstBad].Start, $"the SLI did not return to objective and stay there for {stableFor.TotalSeconds:0} s before the observation ended");
    }
}
