using Microsoft.Extensions.Time.Testing;
using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.Faults.DatabaseDisaster;
using Reliability.Experiments.Running;

namespace Reliability.Experiments.Tests.Definitions;

/// <summary>The runbook of a disaster-recovery experiment and its DatabaseDisaster fault, as read from files, with every problem located.</summary>
public sealed class RunbookTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("runbook-").FullName;

    [Fact]
    public void A_runbook_is_read_as_its_steps_in_order()
    {
        var runbook = Load(Experiment("""
            runbook:
              - wait: 5s
              - restore: { time: 2026-12-07T11:00:00Z }
              - backup: full
              - replicas
            """)).Runbook;

        runbook.Should().HaveCount(4);
        runbook[0].Should().BeOfType<RunbookWait>().Which.For.Should().Be(TimeSpan.FromSeconds(5));
        runbook[1].Should().BeOfType<RunbookRestore>().Which.TimeFor(Now).Should().Be(new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero));
        runbook[2].Should().BeOfType<RunbookBackup>().Which.Type.Should().Be("full");
        runbook[3].Should().BeOfType<RunbookReplicas>();
    }

    [Theory]
    [InlineData("latest", null)]
    [InlineData("backup", null)]
    [InlineData("{ beforeFault: 30s }", 30)]
    public void A_restore_names_its_target(string target, int? secondsBefore)
    {
        var restore = (RunbookRestore)Load(Experiment($"runbook: [{{ restore: {target} }}]")).Runbook.Single();

        restore.TimeFor(Now).Should().Be(secondsBefore is { } s ? Now.AddSeconds(-s) : null);
    }

    [Theory]
    [InlineData("runbook: [{ reboot: all }]", 11, "runbook[0]: 'reboot' is not a runbook step (steps: wait, restore, backup, replicas)")]
    [InlineData("runbook: [{ restore: { time: 2026-12-07T13:00:00Z } }]", 11, "runbook[0].restore.time: 2026-12-07T13:00:00.0000000+00:00 is in the future")]
    [InlineData("runbook: [{ restore: { time: yesterday } }]", 11, "runbook[0].restore.time: 'yesterday' is not a time")]
    [InlineData("runbook: [{ restore: earliest }]", 11, "runbook[0].restore: expected latest (to the end of the archived WAL), backup")]
    [InlineData("runbook: [{ restore: latest }, { backup: incremental }]", 11, "runbook[1].backup: expected full")]
    [InlineData("runbook: [{ replicas: all }, { restore: latest }]", 11, "runbook[0].replicas: replicas comes after a restore")]
    [InlineData("runbook: [{ wait: soon }]", 11, "runbook[0].wait:")]
    public void Bad_runbook_input_is_a_problem_at_its_file_line_and_field(string runbook, int line, string message)
    {
        var path = Experiment(runbook);

        var act = () => Load(path);

        act.Should().Throw<ManifestException>().Which.Problems.Should().Contain(p => p.File == path && p.Line == line && p.ToString().Contains(message),
            string.Join('\n', act.Should().Throw<ManifestException>().Which.Problems));
    }

    [Fact]
    public void A_restore_without_a_repository_to_restore_from_is_a_problem_at_the_step()
    {
        var path = Experiment("runbook: [{ restore: latest }, { backup: full }]", backups: false);

        var act = () => Load(path);

        var problems = act.Should().Throw<ManifestException>().Which.Problems;
        problems.Should().Contain(p => p.Line == 11 && p.ToString().Contains("runbook[0].restore: there is no backup repository to restore from: give the environment one (environment.backups"));
        problems.Should().Contain(p => p.Line == 11 && p.ToString().Contains("runbook[1].backup: there is no backup repository to back up to"));
    }

    [Fact]
    public void A_disaster_reads_its_lost_archive_and_needs_backups_and_a_restoring_runbook()
    {
        var loaded = ExperimentLoader.Load(Experiment("runbook: [{ restore: latest }]", loseArchivedWal: "20s"), ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
        loaded.Faults.Single().Should().BeOfType<DisasterFault>().Which.LoseArchivedWal.Should().Be(TimeSpan.FromSeconds(20));

        var noRunbook = () => ExperimentLoader.Load(Experiment("runbook: [{ wait: 1s }]"), ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
        noRunbook.Should().Throw<ManifestException>().Which.Problems.Should().Contain(p => p.File.EndsWith("disaster.yaml", StringComparison.Ordinal)
            && p.ToString().Contains("a database disaster needs a runbook that restores it"));
    }

    [Theory]
    [InlineData("mode: all", "mode: one", "spec.mode")]
    [InlineData("action: destroy", "action: truncate", "spec.action")]
    [InlineData("loseArchivedWal: 20s", "loseArchivedWal: a while", "spec.loseArchivedWal")]
    public void A_disaster_manifest_is_checked_against_its_schema_with_locations(string from, string to, string field)
    {
        var experiment = Experiment("runbook: [{ restore: latest }]", loseArchivedWal: "20s");
        var manifest = Path.Combine(_dir, "disaster.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(from, to, StringComparison.Ordinal));

        var act = () => ExperimentLoader.Load(experiment, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);

        act.Should().Throw<ManifestException>().Which.Problems.Should().Contain(p => p.File == manifest && p.Line > 0 && p.ToString().Contains(field));
    }

    private static ExperimentDefinition Load(string path) => ExperimentFile.Load(path, TestTargets.Catalog, new FakeTimeProvider(Now));

    /// <summary>An experiment losing the database, with backups unless told otherwise; its runbook starts on line 11.</summary>
    private string Experiment(string runbook, bool backups = true, string? loseArchivedWal = null)
    {
        File.WriteAllText(Path.Combine(_dir, "disaster.yaml"), $"""
            apiVersion: reliability.dev/v1alpha1
            kind: DatabaseDisaster
            metadata: {"{"} name: disaster, namespace: task-manager {"}"}
            spec:
              action: destroy
              mode: all
              selector: {"{"} namespaces: [task-manager], labelSelectors: {"{"} app: postgres {"}"} {"}"}
            {(loseArchivedWal is null ? "" : $"  loseArchivedWal: {loseArchivedWal}")}
            """);
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: sample {"}"}
            faults: [disaster.yaml]
            load: {"{"} scenario: write-heavy, rate: 5 {"}"}
            timeline: {"{"} steadyState: 10s, fault: 5m, recovery: 20s {"}"}
            hypotheses: {"{"} rpo: {"{"} maxDataLossWindow: 1h {"}"} {"}"}
            environment:
              database: patroni
            {(backups ? "  backups: { interval: 0s, archiveTimeout: 5s }" : "")}
            {runbook}
            """);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
