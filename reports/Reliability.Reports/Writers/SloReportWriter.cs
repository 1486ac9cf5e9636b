using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Reliability.Evidence.Results;

namespace Reliability.Reports.Writers;

/// <summary>The SLO report as JSON (schema "reliability.slo-report/v1"), as Markdown, and as a self-contained HTML page.</summary>
internal static class SloReportWriter
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
            burnDown = s.BurnDown.Select(p => new { at = p.At, remainingPercent = p.RemainingPercent }),
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
            var burns = string.Join(" | ", SloReport.BurnWindows.Select(w => s.BurnRates.GetValueOrDefault(w) is { } b ? b.ToString("0.##", CultureInfo.InvariantCulture) + "x" : "n/a"));
            var exhaustion = Exhaustion(s.TimeToExhaustion).Replace("exhausted", "**exhausted**", StringComparison.Ordinal);
            var pages = s.PageBurns.Count == 0 ? "none"
                : string.Join(", ", s.PageBurns.Select(p => $"{p.Start:MM-dd HH:mm}–{p.End:HH:mm}"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Service} | {s.Slo} | {s.ObjectivePercent:0.###} % | {s.SliPercent:0.####} % | {s.BudgetRemainingPercent:0.#} % | {burns} | {exhaustion} | {pages} |");
        }
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Computed in {report.Took.TotalSeconds:0.00} s.");
        return text.ToString();
    }

    /// <summary>
    /// One page, no script and nothing fetched: per SLO the budget left, the burn rate per window, the time to
    /// exhaustion, and an error-budget burn-down chart over the window with page-level burns shaded.
    /// </summary>
    public static string Html(SloReport report)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>SLO report</h1><p class=\"meta\">{report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC · computed in {report.Took.TotalSeconds:0.00} s</p>");
        html.Append("<table class=\"verdicts\"><thead><tr><th>service</th><th>SLO</th><th>target</th><th>achieved</th><th>budget left</th>");
        foreach (var w in SloReport.BurnWindows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>burn {w}</th>");
        }
        html.Append("<th>exhausted in</th></tr></thead><tbody>");
        foreach (var s in report.Slos)
        {
            var status = s.Problem is not null ? "inconclusive" : s.BudgetRemainingPercent <= 0 ? "failed" : "passed";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{status}\"><td>{E(s.Service)}</td><td>{E(s.Slo)}</td><td>{s.ObjectivePercent:0.###} %</td>");
            if (s.Problem is not null)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td colspan=\"{3 + SloReport.BurnWindows.Count}\">{E(s.Problem)}</td></tr>");
                continue;
            }
            html.Append(CultureInfo.InvariantCulture, $"<td>{s.SliPercent:0.####} %</td><td>{s.BudgetRemainingPercent:0.#} %</td>");
            foreach (var w in SloReport.BurnWindows)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{(s.BurnRates.GetValueOrDefault(w) is { } b ? b.ToString("0.##", CultureInfo.InvariantCulture) + "x" : "n/a")}</td>");
            }
            html.Append(CultureInfo.InvariantCulture, $"<td>{E(Exhaustion(s.TimeToExhaustion))}</td></tr>");
        }
        html.Append("</tbody></table>");
        foreach (var s in report.Slos.Where(s => s.BurnDown.Count > 1))
        {
            var chart = new SvgChart(report.From, report.To, $"{s.Service} {s.Slo}: error budget left (burn-down over the window)", " %", timeFormat: "MM-dd HH:mm");
            foreach (var page in s.PageBurns)
            {
                chart.Window(page.Start, page.End, "page-level burn", "fault-window");
            }
            chart.Series("budget left", "#1f77b4", [.. s.BurnDown.Select(p => (p.At, Math.Max(0, p.RemainingPercent)))]);
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"slo\" id=\"{E(s.Slo)}\"><h2>{E(s.Service)} · {E(s.Slo)}</h2>{chart.Render()}");
            var pages = s.PageBurns.Count == 0 ? "none" : string.Join(", ", s.PageBurns.Select(p => $"{p.Start:MM-dd HH:mm}–{p.End:MM-dd HH:mm}"));
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">page-level burns: {E(pages)}</p></section>");
        }
        return HtmlWriter.Page($"SLO report {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd}", html.ToString());
    }

    private static string Exhaustion(TimeSpan? time) => time switch
    {
        null => "not burning",
        { } t when t == TimeSpan.Zero => "exhausted",
        { } t => t.TotalDays >= 1 ? $"{t.TotalDays:0.#} d" : $"{t.TotalHours:0.#} h",
    };

    private static string E(string text) => System.Net.WebUtility.HtmlEncode(text);
}
