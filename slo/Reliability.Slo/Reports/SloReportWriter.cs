using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Reliability.Slo.Reports;

/// <summary>The SLO report as JSON (schema "reliability.slo-report/v1") and as Markdown.</summary>
public static class SloReportWriter
{
    public static string Json(SloReport report) => JsonSerializer.Serialize(new
    {
        schema = "reliability.slo-report/v1",
        from = report.From,
        to = report.To,
        tookSeconds = Math.Round(report.Took.TotalSeconds, 3),
        slos = report.Slos.Select(s => new
        {
            service = s.Service,
            slo = s.Slo,
            objectivePercent = s.ObjectivePercent,
            sliPercent = s.SliPercent,
            errorBudgetRemainingPercent = s.BudgetRemainingPercent,
            burnRates = s.BurnRates,
            timeToExhaustionHours = s.TimeToExhaustion?.TotalHours,
            pageBurns = s.PageBurns.Select(p => new { start = p.Start, end = p.End }),
            problem = s.Problem,
        }),
    }, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static string Markdown(SloReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## SLO report, {report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC").AppendLine();
        text.AppendLine("| service | SLO | target | achieved | budget left | burn 1h | burn 6h | burn 1d | burn 3d | exhausted in | page-level burns |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var s in report.Slos)
        {
            if (s.Problem is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {s.Service} | {s.Slo} | {s.ObjectivePercent:0.###} % | n/a | n/a | | | | | | {s.Problem} |");
                continue;
            }
            var burns = string.Join(" | ", SloReportBuilder.BurnWindows.Select(w => s.BurnRates.GetValueOrDefault(w) is { } b ? b.ToString("0.##", CultureInfo.InvariantCulture) + "x" : "n/a"));
            var exhaustion = s.TimeToExhaustion switch
            {
                null => "not burning",
                { } t when t == TimeSpan.Zero => "**exhausted**",
                { } t => t.TotalDays >= 1 ? $"{t.TotalDays:0.#} d" : $"{t.TotalHours:0.#} h",
            };
            var pages = s.PageBurns.Count == 0 ? "none"
                : string.Join(", ", s.PageBurns.Select(p => $"{p.Start:MM-dd HH:mm}–{p.End:HH:mm}"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Service} | {s.Slo} | {s.ObjectivePercent:0.###} % | {s.SliPercent:0.####} % | {s.BudgetRemainingPercent:0.#} % | {burns} | {exhaustion} | {pages} |");
        }
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Computed in {report.Took.TotalSeconds:0.00} s.");
        return text.ToString();
    }
}
