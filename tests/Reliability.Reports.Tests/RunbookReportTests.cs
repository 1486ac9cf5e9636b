using Reliability.Reports.Model;
using Reliability.Reports.Writers;

namespace Reliability.Reports.Tests;

/// <summary>A disaster-recovery experiment's runbook in the reports: each step with its duration and outcome, and the restore point.</summary>
public sealed class RunbookReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static ResultModel WithRunbook() => ResultSchemaTests.Sample() with
    {
        Runbook = new RunbookModel(
            [
                new(1, "restore", "restore to the end of the archived WAL", T0, 6.2, true, "postgres-0 restored from 20261207-095800F, timeline 2"),
                new(2, "backup", "take a full backup", T0.AddSeconds(6), 3.6, false, "pgbackrest backup exited with 82"),
                new(3, "replicas", "rebuild the replicas", T0.AddSeconds(10), null, null, null),
            ],
            new RestorePointModel("postgres-0", "the end of the archived WAL", "20261207-095800F", T0.AddSeconds(-2.5), 2)),
    };

    [Fact]
    public async Task A_result_with_a_runbook_validates_against_the_published_schema_and_reads_back_the_same()
    {
        var json = ResultJson.Write(WithRunbook());

        (await ResultSchemaTests.Schema()).Validate(json).Should().BeEmpty();
        ResultJson.Read(json).Runbook.Should().BeEquivalentTo(WithRunbook().Runbook);
        (await ResultSchemaTests.Schema()).Validate(json.Replace("\"action\": \"restore\"", "\"action\": \"reboot\"", StringComparison.Ordinal)).Should().NotBeEmpty();
    }

    [Fact]
    public void The_summary_and_the_html_report_list_every_step_with_how_long_it_took_and_the_restore_point()
    {
        var markdown = MarkdownWriter.Write(WithRunbook());
        var html = HtmlWriter.Write(WithRunbook());

        markdown.Should().Contain("1. restore to the end of the archived WAL: done in 6.2 s (postgres-0 restored from 20261207-095800F, timeline 2)")
            .And.Contain("2. take a full backup: **FAILED** in 3.6 s (pgbackrest backup exited with 82)")
            .And.Contain("3. rebuild the replicas: never ended")
            .And.Contain("Restore point: 09:59:57.500 (the end of the archived WAL, backup set 20261207-095800F, timeline 2).");
        html.Should().Contain("<h3>Runbook</h3>").And.Contain("<td>6.2 s</td>").And.Contain("never ended").And.Contain("Restore point: 09:59:57.500");
        MarkdownWriter.Write(ResultSchemaTests.Sample()).Should().NotContain("Runbook:", "an experiment without a runbook has no such section");
    }
}
