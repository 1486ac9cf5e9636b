using Reliability.Evidence.Results;
using Reliability.Reports.Model;
using Reliability.Reports.Writers;

namespace Reliability.Reports;

/// <summary>Writes an experiment's reports beside its journal: result.json, summary.md, junit.xml and report.html.</summary>
internal static class ReportSet
{
    public static async Task<(ResultModel Model, string Markdown)> WriteAsync(ExperimentResult result, string folder, CancellationToken ct = default)
    {
        var model = ResultBuilder.From(result);
        var markdown = MarkdownWriter.Write(model);
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), ResultJson.Write(model), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.md"), markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "junit.xml"), JUnitWriter.Write([model]), ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.html"), HtmlWriter.Write(model), ct);
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            await File.AppendAllTextAsync(stepSummary, markdown, ct);
        }
        return (model, markdown);
    }
}
