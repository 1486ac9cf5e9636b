using Reliability.Evidence.Results;
using Reliability.Slo.CloudWatch;
using Reliability.Slo.Specs;
using Reliability.Observe.CloudWatch;

namespace Reliability.Slo.Reports;

/// <summary>
/// The SLO report's entries for CloudWatch SLOs: 5-minute series from GetMetricData (errors and total, or
/// bad and all periods), from which the SLI, budget, burn rates and page-level burn periods follow with
/// the same windows and factors as the Prometheus rules.
/// </summary>
internal static class CloudWatchSloReportBuilder
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);
    private static readonly Dictionary<string, TimeSpan> Windows = new()
    {
        ["5m"] = TimeSpan.FromMinutes(5), ["30m"] = TimeSpan.FromMinutes(30), ["1h"] = TimeSpan.FromHours(1), ["2h"] = TimeSpan.FromHours(2),
        ["6h"] = TimeSpan.FromHours(6), ["1d"] = TimeSpan.FromDays(1), ["3d"] = TimeSpan.FromDays(3),
    };

    public static async Task<IReadOnlyList<SloReportEntry>> BuildAsync(ICloudWatchClient cloudWatch, IReadOnlyList<CloudWatchSloSpec> specs, DateTimeOffset at, TimeSpan window, CancellationToken ct = default)
    {
        var entries = new List<SloReportEntry>();
        foreach (var spec in specs)
        {
            foreach (var slo in spec.Slos)
            {
                try
                {
                    var series = await SeriesAsync(cloudWatch, slo, at - window, at, ct);
                    entries.Add(Entry(spec.Service, slo, series, at));
                }
                catch (Exception ex) when (ex is CloudWatchException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    entries.Add(new SloReportEntry(spec.Service, slo.Name, slo.Objective, null, null, new Dictionary<string, double?>(), null, [], $"CloudWatch could not be queried: {ex.Message}"));
                }
            }
        }
        return entries;
    }

    /// <summary>(period start, bad, total) every five minutes, for either kind of SLI.</summary>
    private static async Task<List<(DateTimeOffset At, double Bad, double Total)>> SeriesAsync(ICloudWatchClient cloudWatch, CloudWatchSlo slo, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        static MetricDataQuery Query(string id, CloudWatchMetric m) =>
            new(id, new MetricStat(m.Namespace, m.MetricName, m.Dimensions, (int)Step.TotalSeconds, m.Stat));
        if (slo.Periods is { } periods)
        {
            var result = await cloudWatch.GetMetricDataAsync([Query("p", periods)], from, to, ct);
            return [.. result.Single(r => r.Id == "p").Points.Select(p => (p.At, p.Value > slo.Threshold ? 1.0 : 0.0, 1.0))];
        }
        var results = await cloudWatch.GetMetricDataAsync([Query("e", slo.Errors!), Query("t", slo.Total!)], from, to, ct);
        var errors = results.Single(r => r.Id == "e").Points.ToDictionary(p => p.At, p => p.Value);
        return [.. results.Single(r => r.Id == "t").Points.Select(p => (p.At, errors.GetValueOrDefault(p.At), p.Value))];
    }

    private static SloReportEntry Entry(string service, CloudWatchSlo slo, List<(DateTimeOffset At, double Bad, double Total)> series, DateTimeOffset at)
    {
        var total = series.Sum(s => s.Total);
        if (total <= 0)
        {
            return new SloReportEntry(service, slo.Name, slo.Objective, null, null, new Dictionary<string, double?>(), null, [], "CloudWatch has no data for the window");
        }
        var budget = slo.ErrorBudget;
        // Prefix sums over the periods in time order: any window's ratio in O(log n).
        var sorted = series.OrderBy(s => s.At).ToArray();
        var starts = sorted.Select(s => s.At).ToArray();
        var bad = new double[sorted.Length + 1];
        var all = new double[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++)
        {
            bad[i + 1] = bad[i] + sorted[i].Bad;
            all[i + 1] = all[i] + sorted[i].Total;
        }
        int FirstAtOrAfter(DateTimeOffset t)
        {
            var i = Array.BinarySearch(starts, t);
            return i >= 0 ? i : ~i;
        }
        // The periods wholly inside (end - span, end]: starting at or after end - span, ending by end.
        double? Ratio(DateTimeOffset end, TimeSpan span)
        {
            var lo = FirstAtOrAfter(end - span);
            var hi = FirstAtOrAfter(end - Step + TimeSpan.FromTicks(1));
            var sum = hi > lo ? all[hi] - all[lo] : 0;
            return sum > 0 ? (bad[hi] - bad[lo]) / sum : null;
        }
        var ratio = series.Sum(s => s.Bad) / total;
        var burns = SloReportBuilder.BurnWindows.ToDictionary(w => w, w => Ratio(at, Windows[w]) / budget);
        var remaining = 1 - ratio / budget;
        TimeSpan? exhaustion = remaining <= 0 ? TimeSpan.Zero : burns["1h"] is { } burn && burn > 0 ? TimeSpan.FromDays(30) * (remaining / burn) : null;
        var pages = new List<BurnPeriod>();
        foreach (var point in sorted)
        {
            var end = point.At + Step;
            var paging = RuleGenerator.Page.Any(p =>
                Ratio(end, Windows[p.Short]) > (double)p.Factor * budget && Ratio(end, Windows[p.Long]) > (double)p.Factor * budget);
            if (!paging)
            {
                continue;
            }
            if (pages.Count > 0 && end - pages[^1].End <= Step)
            {
                pages[^1] = pages[^1] with { End = end };
            }
            else
            {
                pages.Add(new BurnPeriod(end, end));
            }
        }
        return new SloReportEntry(service, slo.Name, slo.Objective, (1 - ratio) * 100, remaining * 100, burns, exhaustion, pages, null)
        {
            // At most 120 steps for the chart: consecutive periods summed.
            BurnDown = BudgetPoint.BurnDown([.. sorted.Chunk(Math.Max(1, (sorted.Length + 119) / 120)).Select(c => (c[^1].At + Step, c.Sum(p => p.Bad), c.Sum(p => p.Total)))], budget, sorted[0].At),
        };
    }
}
