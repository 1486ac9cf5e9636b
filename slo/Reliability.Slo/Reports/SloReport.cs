using System.Globalization;
using Reliability.Evidence.Results;
using Reliability.Observe.Prometheus;
using Reliability.Slo.Specs;

namespace Reliability.Slo.Reports;

/// <summary>
/// Builds the SLO report from Prometheus with each spec's own queries: the SLI and the budget left over
/// the window, burn rates over 1h, 6h, 1d and 3d, the time to exhaustion at the 1h burn rate, and the
/// periods of page-level burn (a range query at the 5-minute step of the short window).
/// </summary>
internal static class SloReportBuilder
{
    public static IReadOnlyList<string> BurnWindows => SloReport.BurnWindows;
    /// <summary>Steps of the burn-down chart over the window.</summary>
    private const int BurnDownSteps = 120;
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    public static async Task<SloReport> BuildAsync(PrometheusClient prometheus, IReadOnlyList<SloSpec> specs, DateTimeOffset at, TimeSpan window, TimeProvider time, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var entries = new List<SloReportEntry>();
        foreach (var spec in specs)
        {
            foreach (var slo in spec.Slos)
            {
                entries.Add(await EntryAsync(prometheus, spec, slo, at, window, ct));
            }
        }
        return new SloReport(at - window, at, entries, time.GetElapsedTime(started));
    }

    private static async Task<SloReportEntry> EntryAsync(PrometheusClient prometheus, SloSpec spec, Specs.Slo slo, DateTimeOffset at, TimeSpan window, CancellationToken ct)
    {
        var budget = (double)RuleGenerator.Budget(slo);
        try
        {
            var ratio = await RatioAsync(prometheus, slo, Range(window), at, ct);
            var burns = new Dictionary<string, double?>();
            foreach (var w in BurnWindows)
            {
                burns[w] = await RatioAsync(prometheus, slo, w, at, ct) is { } r ? r / budget : null;
            }
            if (ratio is null)
            {
                return new SloReportEntry(spec.Service, slo.Name, slo.Objective, null, null, burns, null, [], $"Prometheus has no data for the {Range(window)} window");
            }
            var remaining = 1 - ratio.Value / budget;
            TimeSpan? exhaustion = remaining <= 0 ? TimeSpan.Zero
                : burns["1h"] is { } burn && burn > 0 ? TimeSpan.FromDays(30) * (remaining / burn) : null;
            var pages = await PageBurnsAsync(prometheus, slo, budget, at - window, at, ct);
            return new SloReportEntry(spec.Service, slo.Name, slo.Objective, (1 - ratio.Value) * 100, remaining * 100, burns, exhaustion, pages, null)
            {
                BurnDown = await BurnDownAsync(prometheus, slo, budget, at - window, at, ct),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or PrometheusException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new SloReportEntry(spec.Service, slo.Name, slo.Objective, null, null, new Dictionary<string, double?>(), null, [], $"Prometheus could not be queried: {ex.Message}");
        }
    }

    private static async Task<double?> RatioAsync(PrometheusClient prometheus, Specs.Slo slo, string window, DateTimeOffset at, CancellationToken ct)
    {
        var result = await prometheus.QueryAsync(Ratio(slo, window), at, ct);
        return result.Count == 1 && !double.IsNaN(result[0].Value) && !double.IsInfinity(result[0].Value) ? Math.Clamp(result[0].Value, 0, 1) : null;
    }

    private static async Task<IReadOnlyList<BurnPeriod>> PageBurnsAsync(PrometheusClient prometheus, Specs.Slo slo, double budget, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var b = budget.ToString("0.############", CultureInfo.InvariantCulture);
        var condition = string.Join(" or ", RuleGenerator.Page.Select(p =>
        {
            var factor = p.Factor.ToString(CultureInfo.InvariantCulture);
            return $"(({Ratio(slo, p.Short)}) > ({factor} * {b}) and ({Ratio(slo, p.Long)}) > ({factor} * {b}))";
        }));
        var series = await prometheus.QueryRangeAsync(condition, from, to, Step, ct);
        var points = series.SelectMany(s => s.Values).Select(v => v.At).Distinct().Order().ToList();
        var periods = new List<BurnPeriod>();
        foreach (var point in points)
        {
            if (periods.Count > 0 && point - periods[^1].End <= Step)
            {
                periods[^1] = periods[^1] with { End = point };
            }
            else
            {
                periods.Add(new BurnPeriod(point, point));
            }
        }
        return periods;
    }

    /// <summary>Bad and total events in each of <see cref="BurnDownSteps"/> steps (rate over the step times its length), summed up as the budget spent.</summary>
    private static async Task<IReadOnlyList<BudgetPoint>> BurnDownAsync(PrometheusClient prometheus, Specs.Slo slo, double budget, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var step = TimeSpan.FromSeconds(Math.Max(60, Math.Round((to - from).TotalSeconds / BurnDownSteps)));
        var range = Range(step);
        var bad = await prometheus.QueryRangeAsync(slo.ErrorQueryFor(range), from + step, to, step, ct);
        var total = await prometheus.QueryRangeAsync(slo.TotalQueryFor(range), from + step, to, step, ct);
        var badAt = bad.SelectMany(s => s.Values).GroupBy(v => v.At).ToDictionary(g => g.Key, g => g.Sum(v => Finite(v.Value)));
        var steps = total.SelectMany(s => s.Values).GroupBy(v => v.At)
            .Select(g => (g.Key, badAt.GetValueOrDefault(g.Key) * step.TotalSeconds, g.Sum(v => Finite(v.Value)) * step.TotalSeconds)).ToList();
        return BudgetPoint.BurnDown(steps, budget, from);
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static string Ratio(Specs.Slo slo, string window) => $"({slo.ErrorQueryFor(window)}) / ({slo.TotalQueryFor(window)})";

    /// <summary>A PromQL range for a window: whole days as "30d", otherwise seconds.</summary>
    public static string Range(TimeSpan window) =>
        window.TotalDays >= 1 && window.TotalDays == Math.Floor(window.TotalDays)
            ? $"{window.TotalDays:0}d"
            : $"{Math.Max(1, (long)window.TotalSeconds)}s";
}
