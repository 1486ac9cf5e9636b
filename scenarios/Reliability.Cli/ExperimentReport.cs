using Reliability.Evidence.Results;
using Reliability.Reports;

namespace Reliability.Cli;

/// <summary>The experiment's reports (result.json, summary.md, junit.xml, report.html) beside its journal, and the summary on the console.</summary>
internal static class ExperimentReport
{
    public static async Task WriteAsync(ExperimentResult result, string folder, TextWriter console)
    {
        var (_, markdown) = await ReportSet.WriteAsync(result, folder);
        await console.WriteLineAsync();
        await console.WriteLineAsync(markdown);
        await console.WriteLineAsync($"evidence: {Path.GetFullPath(folder)} (journal.jsonl, write-ledger.jsonl, result.json, summary.md, junit.xml)");
    }
}
