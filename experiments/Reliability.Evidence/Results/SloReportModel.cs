namespace Reliability.Evidence.Results;

/// <summary>
/// The SLO report over a window (30 days by default): built by Reliability.Slo from Prometheus or CloudWatch,
/// written by Reliability.Reports as JSON, Markdown and HTML.
/// </summary>
internal sealed record SloReport(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SloReportEntry> Slos, TimeSpan Took)
{
    /// <summary>The burn-rate windows every entry reports, shortest first.</summary>
    public static readonly IReadOnlyList<string> BurnWindows = ["1h", "6h", "1d", "3d"];
}

/// <summary>One SLO over the report window: what was achieved, what is left, how fast it burns, and when it paged.</summary>
internal sealed record SloReportEntry(
    string Service,
    string Slo,
    double ObjectivePercent,
    double? SliPercent,
    double? BudgetRemainingPercent,
    IReadOnlyDictionary<string, double?> BurnRates,
    TimeSpan? TimeToExhaustion,
    IReadOnlyList<BurnPeriod> PageBurns,
    string? Problem)
{
    /// <summary>The error budget left over the window, step by step: 100 % at the start, the budget left at the end.</summary>
    public IReadOnlyList<BudgetPoint> BurnDown { get; init; } = [];
}

/// <summary>A stretch of time during which the page-level condition (14.4x over 1h and 5m, or 6x over 6h and 30m) held.</summary>
internal sealed record BurnPeriod(DateTimeOffset Start, DateTimeOffset End);

/// <summary>The share of the window's error budget still left at <see cref="At"/> (negative: overspent).</summary>
internal sealed record BudgetPoint(DateTimeOffset At, double RemainingPercent)
{
    /// <summary>The burn-down of a series of (step end, bad, total) events, against the budget of the whole window's total.</summary>
    public static IReadOnlyList<BudgetPoint> BurnDown(IReadOnlyList<(DateTimeOffset At, double Bad, double Total)> steps, double errorBudget, DateTimeOffset from)
    {
        var total = steps.Sum(s => s.Total);
        if (total <= 0 || errorBudget <= 0)
        {
            return [];
        }
        var allowed = errorBudget * total;
        var spent = 0.0;
        var points = new List<BudgetPoint> { new(from, 100) };
        foreach (var (at, bad, _) in steps.OrderBy(s => s.At))
        {
            spent += bad;
            points.Add(new BudgetPoint(at, Math.Round(100 * (1 - spent / allowed), 4)));
        }
        return points;
    }
}
