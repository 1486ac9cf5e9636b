using System.Globalization;
using System.Text;
using System.Text.Json;
using Reliability.Evidence.Results;
using Reliability.Reports.Model;
using Reliability.Reports.Writers;

namespace Reliability.Reports;

/// <summary>The game day's consolidated reports: gameday.json, summary.md and junit.xml over every experiment.</summary>
internal static class GameDayReport
{
    public static async Task<string> WriteAsync(GameDayResult day, string folder, CancellationToken ct = default)
    {
        var models = day.Entries.Where(e => e.Result is not null).Select(e => (Entry: e, Model: ResultBuilder.From(e.Result!))).ToList();
        var markdown = Markdown(day, models);
        await File.WriteAllTextAsync(Path.Combine(folder, "gameday.json"), JsonSerializer.Serialize(new
        {
            schema = "reliability.gameday/v1",
            name = day.Plan.Name,
            plan = day.Plan.File,
            startedAt = day.StartedAt,
            tookSeconds = Math.Round(day.Took.TotalSeconds, 1),
            resilienceScore = Math.Round(day.Score, 1),
            passed = day.Passed,
            experiments = day.Plan.Steps.Select(step =>
            {
                var entry = day.Entries.FirstOrDefault(e => e.Step == step);
                return new
                {
                    path = step.Path,
                    weight = step.Weight,
                    name = entry?.Name,
                    folder = entry is null ? null : Path.GetFileName(entry.Folder),
                    skipped = entry is null ? "not run (the plan stopped earlier)" : entry.Skipped,
                    result = models.FirstOrDefault(m => m.Entry == entry).Model,
                };
            }),
        }, ResultJson.Options), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.md"), markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "junit.xml"), JUnitWriter.Write(models.Select(m => m.Model)), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.html"), Html(day, models), ct);
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            await File.AppendAllTextAsync(stepSummary, markdown, ct);
        }
        return markdown;
    }

    private static string Html(GameDayResult day, IReadOnlyList<(GameDayEntry Entry, ResultModel Model)> models)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Game day {System.Net.WebUtility.HtmlEncode(day.Plan.Name)} <span class=\"badge {(day.Passed ? "passed" : "failed")}\">{(day.Passed ? "PASSED" : "NOT PASSED")}</span></h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"score\">Resilience score <strong>{day.Score:0.0} / 100</strong> · started {day.StartedAt:yyyy-MM-dd HH:mm} UTC · took {day.Took.TotalMinutes:0.0} min</p>");
        html.Append("<table><thead><tr><th>experiment</th><th>weight</th><th>verdict</th><th>hypotheses passed</th></tr></thead><tbody>");
        foreach (var step in day.Plan.Steps)
        {
            var entry = day.Entries.FirstOrDefault(e => e.Step == step);
            var model = models.FirstOrDefault(m => m.Entry == entry).Model;
            var verdict = entry is null ? "not run" : entry.Skipped is not null ? "skipped" : model!.Passed ? "passed" : model.Inconclusive ? "inconclusive" : "failed";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{verdict}\"><td><a href=\"#{System.Net.WebUtility.HtmlEncode(entry?.Name ?? "")}\">{System.Net.WebUtility.HtmlEncode(entry?.Name ?? step.Path)}</a></td><td>{step.Weight:0.##}</td><td>{verdict}</td><td>{(model is null ? "" : $"{model.Verdicts.Count(v => v.Status == "passed")} / {model.Verdicts.Count}")}</td></tr>");
        }
        html.Append("</tbody></table>");
        foreach (var (_, model) in models)
        {
            html.Append(HtmlWriter.Section(model, level: 2));
        }
        return HtmlWriter.Page($"Game day {day.Plan.Name}", html.ToString());
    }

    private static string Markdown(GameDayResult day, IReadOnlyList<(GameDayEntry Entry, ResultModel Model)> models)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Game day {day.Plan.Name}: {(day.Passed ? "PASSED" : "NOT PASSED")}, resilience score {day.Score:0.0} / 100").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Started {day.StartedAt:yyyy-MM-dd HH:mm} UTC, took {day.Took.TotalMinutes:0.0} min.").AppendLine();
        text.AppendLine("| experiment | weight | verdict | hypotheses passed | report |").AppendLine("| --- | ---: | --- | ---: | --- |");
        foreach (var step in day.Plan.Steps)
        {
            var entry = day.Entries.FirstOrDefault(e => e.Step == step);
            var model = models.FirstOrDefault(m => m.Entry == entry).Model;
            var verdict = entry is null ? "not run" : entry.Skipped is not null ? $"skipped: {entry.Skipped}"
                : model!.Passed ? "passed" : model.Inconclusive ? "inconclusive" : "**FAILED**";
            var passed = model is null ? "" : $"{model.Verdicts.Count(v => v.Status == "passed")} / {model.Verdicts.Count}";
            var link = entry is null ? "" : $"[{Path.GetFileName(entry.Folder)}]({Path.GetFileName(entry.Folder)}/summary.md)";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {entry?.Name ?? step.Path} | {step.Weight:0.##} | {verdict} | {passed} | {link} |");
        }
        text.AppendLine().AppendLine("Resilience score: for each experiment, the share of its hypotheses that passed (inconclusive counts as not passed; an experiment that did not run or complete counts 0), averaged with the plan's weights.");
        foreach (var (_, model) in models)
        {
            // The experiment's own artefact links are relative to its folder; the table above links to it instead.
            var section = string.Join('\n', MarkdownWriter.Write(model).Split('\n').Where(l => !l.StartsWith("Artefacts:", StringComparison.Ordinal)));
            text.AppendLine().Append(section.Replace("## Experiment", "### Experiment", StringComparison.Ordinal));
        }
        return text.ToString();
    }
}
