using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Reliability.Reports.Model;

namespace Reliability.Reports.Writers;

/// <summary>
/// A self-contained HTML report: inline CSS and SVG only, no script, font or fetch from anywhere, so it
/// opens offline and from a CI artefact. One timeline of throughput, errors and latency with the fault
/// window shaded and the RTO marked; alert activity on the same axis; phase tables; verdicts; the load summary.
/// </summary>
internal static partial class HtmlWriter
{
    public static string Write(ResultModel result, string? title = null) =>
        Page(title ?? $"Experiment {result.Experiment.Name}", Section(result, level: 1));

    public static string Page(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)}</title><style>{Css}</style></head>
        <body><main>{body}</main></body></html>
        """;

    public static string Section(ResultModel r, int level)
    {
        var h = $"h{level}";
        var verdict = r.Passed ? "passed" : r.Inconclusive ? "inconclusive" : "failed";
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"experiment\" id=\"{E(r.Experiment.Name)}\"><{h}>{E(r.Experiment.Name)} <span class=\"badge {verdict}\">{verdict.ToUpperInvariant()}</span></{h}>");
        if (r.Experiment.Description is { } description)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"description\">{E(description)}</p>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">target {E(r.Target)} · outcome {E(r.Outcome)} · seed {r.Experiment.Seed} · {E(r.Experiment.File)}</p>");
        html.Append(Timeline(r));
        html.Append(Verdicts(r));
        html.Append(Injections(r));
        html.Append(Runbook(r));
        html.Append(Sli(r));
        html.Append(Load(r));
        return html.Append("</section>").ToString();
    }

    private static string Timeline(ResultModel r)
    {
        if (r.Load is not { Series.Count: > 0 } load)
        {
            return "<p class=\"empty\">No load was measured.</p>";
        }
        var from = load.Series.Min(b => b.Start);
        var to = load.Series.Max(b => b.Start) + TimeSpan.FromSeconds(1);
        var throughput = new SvgChart(from, to, "Throughput and errors (iterations per second, by intended start)", "/s")
            .Series("ok/s", "#2f7d32", [.. load.Series.Select(b => (b.Start, (double)b.Ok))])
            .Series("failed/s", "#c62828", [.. load.Series.Select(b => (b.Start, (double)b.Failed))]);
        var latency = new SvgChart(from, to, "Latency (p95 and p99 per second)", " ms")
            .Series("p95", "#1565c0", [.. load.Series.Select(b => (b.Start, b.P95Ms))])
            .Series("p99", "#6a1b9a", [.. load.Series.Select(b => (b.Start, b.P99Ms))]);
        foreach (var chart in new[] { throughput, latency })
        {
            foreach (var fault in r.Phases.Where(p => p.Phase == "fault"))
            {
                chart.Window(fault.Start, fault.End, "fault window", "fault-window");
            }
            if (r.Injections.FirstOrDefault() is { } injection)
            {
                chart.Marker(injection.At, "injected", "injection");
                if (Rto(r) is { } rto)
                {
                    chart.Marker(injection.At + rto, $"RTO {rto.TotalSeconds:0.0} s", "rto");
                }
            }
        }
        return $"<figure class=\"timeline\">{throughput.Render()}{latency.Render()}{Alerts(r, from, to)}</figure>";
    }

    /// <summary>Alert activity on the same time axis: one row per alert, pending and firing spans, resolve and delivery ticks.</summary>
    private static string Alerts(ResultModel r, DateTimeOffset from, DateTimeOffset to)
    {
        var names = r.Alerts.Select(a => a.Name).Distinct().ToList();
        if (names.Count == 0)
        {
            return "<p class=\"empty alerts\">No alert was pending or firing.</p>";
        }
        const int width = 960, left = 76, right = 40, row = 22;
        double X(DateTimeOffset at) => left + (width - left - right) * Math.Clamp((at - from) / (to - from), 0, 1);
        var svg = new StringBuilder();
        var height = 24 + row * names.Count;
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart alerts\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Alert activity\" xmlns=\"http://www.w3.org/2000/svg\"><text class=\"chart-title\" x=\"{left}\" y=\"14\">Alert activity</text>");
        foreach (var fault in r.Phases.Where(p => p.Phase == "fault"))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"fault-window\" x=\"{X(fault.Start):0.#}\" y=\"20\" width=\"{X(fault.End) - X(fault.Start):0.#}\" height=\"{row * names.Count}\"/>");
        }
        for (var i = 0; i < names.Count; i++)
        {
            var y = 22 + row * i;
            var transitions = r.Alerts.Where(a => a.Name == names[i]).OrderBy(a => a.At).ToList();
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"alert-name\" x=\"{left + 4}\" y=\"{y + 14}\">{E(names[i])}</text>");
            for (var j = 0; j < transitions.Count; j++)
            {
                var t = transitions[j];
                if (t.State is "pending" or "firing")
                {
                    var end = transitions.Skip(j + 1).FirstOrDefault(n => n.State is "pending" or "firing" or "resolved")?.At ?? to;
                    svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"alert-{t.State}\" x=\"{X(t.At):0.#}\" y=\"{y + 2}\" width=\"{Math.Max(2, X(end) - X(t.At)):0.#}\" height=\"{row - 6}\"><title>{E(t.Name)} {t.State} from {t.At:HH:mm:ss}</title></rect>");
                }
                else
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<line class=\"alert-{E(t.State)}\" x1=\"{X(t.At):0.#}\" x2=\"{X(t.At):0.#}\" y1=\"{y}\" y2=\"{y + row - 2}\"><title>{E(t.Name)} {E(t.State)} at {t.At:HH:mm:ss}</title></line>");
                }
            }
        }
        return svg.Append("</svg>").ToString();
    }

    private static string Verdicts(ResultModel r)
    {
        var rows = string.Concat(r.Verdicts.Select(v =>
            $"<tr class=\"{v.Status}\"><td>{E(v.Hypothesis)}</td><td><span class=\"badge {v.Status}\">{v.Status}</span></td><td>{E(v.Measured ?? "n/a")}</td><td>{E(v.Threshold)}</td><td>{E(v.Evidence)}</td></tr>"));
        return $"<h3>Verdicts</h3><table class=\"verdicts\"><thead><tr><th>hypothesis</th><th>verdict</th><th>measured</th><th>threshold</th><th>evidence</th></tr></thead><tbody>{rows}</tbody></table>";
    }

    private static string Runbook(ResultModel r) => r.Runbook is not { } runbook ? "" :
        "<h3>Runbook</h3><table><thead><tr><th>step</th><th>started</th><th>took</th><th>outcome</th><th>what it did</th></tr></thead><tbody>"
        + string.Concat(runbook.Steps.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"<tr><td>{s.Step}. {E(s.Description)}</td><td>{s.Started:HH:mm:ss}</td><td>{(s.Seconds is { } t ? $"{t:0.0} s" : "")}</td><td>{(s.Succeeded switch { true => "done", false => "failed", null => "never ended" })}</td><td>{E(s.Detail ?? "")}</td></tr>")))
        + "</tbody></table>"
        + (runbook.RestorePoint is { RestorePoint: { } at } p ? string.Create(CultureInfo.InvariantCulture, $"<p>Restore point: {at:HH:mm:ss.fff} ({E(p.Target)}, backup set {E(p.BackupSet ?? "not logged")}, timeline {p.Timeline}).</p>") : "");

    private static string Injections(ResultModel r) => r.Injections.Count == 0 ? "" :
        "<h3>Injections</h3><table><thead><tr><th>fault</th><th>action</th><th>injected</th><th>recovered</th><th>where</th></tr></thead><tbody>"
        + string.Concat(r.Injections.Select(i => string.Create(CultureInfo.InvariantCulture,
            $"<tr><td>{E(i.Fault)}</td><td>{E(i.Action ?? "")}</td><td>{i.At:HH:mm:ss.fff}</td><td>{(i.RecoveredAt is { } at ? at.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "")}</td><td>{E(string.Join(", ", i.Pods.Concat(i.Links)))}</td></tr>")))
        + "</tbody></table>";

    private static string Sli(ResultModel r) => r.Sli.Count == 0 ? "" :
        "<h3>SLIs per phase</h3><table><thead><tr><th>phase</th><th>source</th><th>SLI</th><th>good</th><th>burn rate</th><th>30-day budget spent</th></tr></thead><tbody>"
        + string.Concat(r.Sli.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"<tr><td>{E(s.Phase)}</td><td>{E(s.Source)}</td><td>{E(s.Slo)}</td><td>{(s.GoodPercent is { } g ? $"{g:0.###} %" : E(s.Problem ?? "n/a"))}</td><td>{(s.BurnRate is { } b ? $"{b:0.##}x" : "")}</td><td>{(s.BudgetSpentPercent is { } p ? $"{p:0.####} %" : "")}</td></tr>")))
        + "</tbody></table>";

    private static string Load(ResultModel r)
    {
        if (r.Load is not { } load)
        {
            return "";
        }
        var percentiles = string.Concat(load.LatencyMs.Select(p => string.Create(CultureInfo.InvariantCulture, $"<td>{p.Value:0.0}</td>")));
        var headers = string.Concat(load.LatencyMs.Keys.Select(k => $"<th>{E(k)}</th>"));
        var failures = load.Failures.Count == 0 ? "none" : string.Join(", ", load.Failures.Select(f => $"{E(f.Key)} {f.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"<h3>Load ({E(load.Scenario)})</h3><p>{load.Count} iterations at {load.Rps:0.0}/s, {load.Failed} failed ({failures}), {load.Dropped} dropped. Latency in ms:</p><table class=\"load\"><thead><tr>{headers}</tr></thead><tbody><tr>{percentiles}</tr></tbody></table>");
    }

    /// <summary>The measured RTO, from the RTO verdict ("4.0 s").</summary>
    private static TimeSpan? Rto(ResultModel r) =>
        r.Verdicts.FirstOrDefault(v => v.Kind == "rto")?.Measured is { } m && Seconds().Match(m) is { Success: true } match
            ? TimeSpan.FromSeconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)) : null;

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) s$")]
    private static partial Regex Seconds();

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fafafa;margin:0}
        main{max-width:1000px;margin:0 auto;padding:16px 20px 40px}
        h1,h2{margin:.6em 0 .2em}h3{margin:1.2em 0 .4em;font-size:15px}
        .meta,.description{color:#555;margin:.2em 0}.empty{color:#777;font-style:italic}
        .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;vertical-align:middle;color:#fff}
        .badge.passed{background:#2f7d32}.badge.failed{background:#c62828}.badge.inconclusive{background:#8d6e00}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
        th{background:#f0f0f0}tr.failed td{background:#fdecea}tr.inconclusive td{background:#fff8e1}
        figure.timeline{margin:8px 0;background:#fff;border:1px solid #ddd;padding:4px}
        svg.chart{width:100%;height:auto;display:block}
        .chart-title{font-size:12px;font-weight:600;fill:#333}.axis,.legend,.window-label{font-size:10px;fill:#555}
        .grid{stroke:#eee}.series{stroke-width:1.6}
        .fault-window{fill:#c62828;fill-opacity:.09}.injection{stroke:#c62828;stroke-dasharray:4 3}.rto{stroke:#2f7d32;stroke-width:2}
        .injection-label{font-size:10px;fill:#c62828}.rto-label{font-size:10px;fill:#2f7d32;font-weight:600}
        .alert-name{font-size:11px;fill:#333}.alert-pending{fill:#ffb300;fill-opacity:.7}.alert-firing{fill:#c62828;fill-opacity:.8}
        .alert-resolved{stroke:#2f7d32;stroke-width:2}.alert-delivered-firing,.alert-delivered-resolved{stroke:#1565c0;stroke-width:2}
        """;
}
