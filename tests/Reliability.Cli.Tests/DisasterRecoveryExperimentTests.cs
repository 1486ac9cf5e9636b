using System.Text.Json.Nodes;
using Npgsql;
using Reliability.Cli.Commands;
using Reliability.Load.Ledger;
using Reliability.Load.Targets;
using Reliability.Sut.Local.Processes;
using Reliability.Targets.TaskManager;

namespace Reliability.Cli.Tests;

/// <summary>
/// The shipped disaster-recovery experiments on the embedded environment with real Patroni, etcd, PostgreSQL
/// and pgBackRest: the whole database lost, restored by the runbook. They run through the same pipeline as
/// `run` (in this process, so that the restored database can still be queried after the run, before the
/// environment stops), and what they count is checked against a direct SQL query.
/// </summary>
public sealed class DisasterRecoveryExperimentTests : IDisposable
{
    private readonly string _runs = Path.Combine(Path.GetTempPath(), $"dr-runs-{Guid.NewGuid():N}");
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"dr-work-{Guid.NewGuid():N}");

    // Bringing the environment up in this process sets the load engine's inline socket completions for it; put them back.
    private readonly string? _inlineCompletions = Environment.GetEnvironmentVariable(Reliability.Load.Engine.LoadHttpClient.InlineCompletionsVariable);

    public DisasterRecoveryExperimentTests() => Directory.CreateDirectory(_work);

    [Theory]
    [InlineData("db-restore-backup.yaml", true)]
    [InlineData("db-restore-pitr.yaml", false)]
    public async Task A_shipped_restore_experiment_passes_and_counts_exactly_the_acknowledged_rows_a_direct_query_finds_missing(string file, bool losesSinceTheBackup)
    {
        var prepared = RunCommand.TryLoad(Path.Combine(Repository.Experiments, file), strict: true, new TargetCatalog(new TaskManagerTarget(), new HttpTarget()), out var invalid);
        prepared.Should().NotBeNull($"the shipped experiment is valid (exit {invalid})");
        var definition = prepared!.Experiment.Definition;
        var output = Path.Combine(_work, "out");
        var (environment, started) = await LocalBringUp.StartAsync(LocalRun.Options(definition.Environment) with { RunRoot = _runs }, CancellationToken.None);
        environment.Should().NotBeNull($"the environment starts (exit {started})");
        await using (environment)
        {
            using var local = new LocalRun(environment!);

            var exit = await RunCommand.ExecuteAsync(prepared, local.Target(definition.Seed), output, CancellationToken.None);

            var journal = Journal(output);
            exit.Should().Be(0, string.Join('\n', journal.Where(r => r["type"]!.ToString() is "verdict" or "runbook-step-end" or "aborted" or "leader-change" or "backup" or "pod-event").Select(r => r.ToJsonString())));
            var steps = journal.Where(r => r["type"]!.ToString() == "runbook-step-end").ToList();
            steps.Select(s => s["action"]!.ToString()).Should().Equal("restore", "backup", "replicas");
            steps.Should().OnlyContain(s => s["succeeded"]!.GetValue<bool>() && s["seconds"]!.GetValue<double>() > 0);
            journal.Should().Contain(r => r["type"]!.ToString() == "backup", "the backups taken are evidence too");
            var destroyed = journal.Single(r => r["type"]!.ToString() == "database-destroyed");
            var disasterAt = destroyed["at"]!.GetValue<DateTimeOffset>();
            var restorePoint = journal.Single(r => r["type"]!.ToString() == "restore-point")["restorePoint"]!.GetValue<DateTimeOffset>();
            var rpo = journal.Single(r => r["type"]!.ToString() == "rpo");

            // Independently of the reconciliation: every acknowledged task state the ledger owes, and whether a query finds that very content.
            var owed = await OwedAsync(Path.Combine(output, "write-ledger.jsonl"));
            var rows = await RowsAsync(environment!.DatabaseAdminConnectionString, [.. owed.Select(o => o.Id).Distinct()]);
            var missing = owed.Where(o => rows.GetValueOrDefault(o.Id) != o.Hash).ToList();
            rpo["lost"]!.GetValue<long>().Should().Be(missing.Count, "the counted lost writes are the acknowledged rows actually missing");
            missing.Should().OnlyContain(o => o.AckAt > restorePoint, "only what was acknowledged after the restore point is gone");
            owed.Where(o => o.AckAt <= restorePoint.AddMilliseconds(-100)).Should().NotIntersectWith(missing, "everything committed well before the restore point came back");
            if (losesSinceTheBackup)
            {
                missing.Should().NotBeEmpty("a restore of the newest backup alone loses what was acknowledged since it ended");
            }

            // The data-loss window is the time from the restore point to the last write acknowledged before the disaster.
            var lastAck = owed.Select(o => o.AckAt).Where(t => t <= disasterAt).Max();
            var window = rpo["lastLostAck"] is { } last ? (last.GetValue<DateTimeOffset>() - rpo["firstLostAck"]!.GetValue<DateTimeOffset>()).TotalSeconds : 0;
            window.Should().BeApproximately((lastAck - restorePoint).TotalSeconds, 1.0);
            var verdict = journal.Single(r => r["type"]!.ToString() == "verdict" && r["hypothesis"]!.ToString().Contains("data-loss window", StringComparison.OrdinalIgnoreCase));
            verdict["status"]!.ToString().Should().Be("passed");
        }
        Directory.EnumerateDirectories(_runs).Should().BeEmpty("the environment, its repository and pgBackRest's locks are gone with the run");
    }

    [Fact]
    public async Task Ctrl_C_in_the_middle_of_a_restore_exits_130_and_leaves_no_pgbackrest_process_lock_or_repository()
    {
        var output = Path.Combine(_work, "out");
        using var cli = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = _runs, ["CI"] = "true" },
            "run", Path.Combine(Repository.Experiments, "db-restore-pitr.yaml"), "--output", output);
        await Wait.Until(() => File.Exists(Path.Combine(output, "journal.jsonl"))
            && Journal(output).Any(r => r["type"]!.ToString() == "runbook-step" && r["action"]!.ToString() == "restore"), TimeSpan.FromMinutes(4), () => cli.Output);
        var run = Directory.EnumerateDirectories(_runs).Single();
        var shortFolders = RunDirectory.ShortFolderPrefix(run);
        await Wait.Until(() => Posix.ProcessesMentioning(run).Count > 0, TimeSpan.FromSeconds(10), () => "the restore's processes");

        Posix.Signal(cli.Pid, Posix.SIGINT).Should().BeTrue();

        (await cli.WaitAsync(TimeSpan.FromSeconds(90))).Should().Be(130, cli.Output);
        cli.Output.Should().NotContain("   at ", "an interrupted run is not a crash");
        Journal(output).Should().Contain(r => r["type"]!.ToString() == "runbook-step-end" && r["succeeded"]!.GetValue<bool>() == false);
        Posix.ProcessesMentioning(run).Should().BeEmpty("no pgBackRest, Patroni or PostgreSQL process of the run is left");
        Directory.Exists(run).Should().BeFalse("the repository and pgBackRest's lock and spool folders were in the run folder");
        Directory.EnumerateDirectories(Path.GetDirectoryName(shortFolders)!, Path.GetFileName(shortFolders) + "*").Should().BeEmpty("the socket folder is gone too");
    }

    [Fact]
    public async Task A_restore_that_fails_fails_the_run_with_pgBackRest_s_reason_and_leaves_no_pgbackrest_process_lock_or_repository()
    {
        // A point-in-time target before the environment existed: no backup set ends before it, so pgBackRest refuses.
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var experiment = Path.Combine(_work, "restore-before-any-backup.yaml");
        await File.WriteAllTextAsync(experiment, $$"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: { name: restore-before-any-backup }
            environment: { database: patroni, backups: { interval: 0s, archiveTimeout: 5s } }
            faults: ["{{Path.Combine(Repository.Experiments, "chaos", "db-disaster.yaml")}}"]
            runbook:
              - restore: { time: "{{before}}" }
              - replicas
            load: { scenario: write-heavy, rate: 10, timeout: 2s, warmUp: 1s }
            timeline: { steadyState: 5s, fault: 2m, recovery: 5s }
            hypotheses:
              rto: { max: 30m, sli: "fail_rate < 1%", window: 2s, stableFor: 2s }
            seed: 3
            """);
        var output = Path.Combine(_work, "out");
        string? run = null;
        using var cli = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = _runs, ["CI"] = "true" }, "run", experiment, "--output", output);
        await Wait.Until(() => (run = Directory.Exists(_runs) ? Directory.EnumerateDirectories(_runs).FirstOrDefault() : null) is not null || cli.HasExited,
            TimeSpan.FromMinutes(2), () => cli.Output);

        (await cli.WaitAsync(TimeSpan.FromMinutes(4))).Should().Be(1, cli.Output);

        var restore = Journal(output).Single(r => r["type"]!.ToString() == "runbook-step-end");
        restore["succeeded"]!.GetValue<bool>().Should().BeFalse();
        restore["detail"]!.ToString().Should().Contain("pgBackRest [075]: unable to find backup set").And.NotContain("Traceback", "the operator reads pgBackRest's reason, not Patroni's stack");
        run.Should().NotBeNull("the environment was started");
        Posix.ProcessesMentioning(run!).Should().BeEmpty("no pgBackRest, Patroni or PostgreSQL process of the run is left");
        Directory.Exists(run).Should().BeFalse("the repository and pgBackRest's lock and spool folders were in the run folder");
        var shortFolders = RunDirectory.ShortFolderPrefix(run!);
        Directory.EnumerateDirectories(Path.GetDirectoryName(shortFolders)!, Path.GetFileName(shortFolders) + "*").Should().BeEmpty("the socket folder is gone too");
    }

    /// <summary>A task's content the ledger says must be in the database, and when its last write was acknowledged.</summary>
    private sealed record Owed(long Id, string? Hash, DateTimeOffset AckAt);

    /// <summary>
    /// Each incarnation of a task (a create starts one: an id issued again after a restore is a new row) whose last
    /// acknowledged write is not a delete and is not followed by a write in doubt: its content must be in the database.
    /// </summary>
    private static async Task<List<Owed>> OwedAsync(string ledger)
    {
        var incarnations = new List<(LedgerEntry Last, bool Doubtful)>();
        var current = new Dictionary<long, int>();
        await foreach (var entry in WriteLedger.ReadAsync(ledger))
        {
            if (entry.Entity != "task")
            {
                continue;
            }
            if (entry.Op == "create" && !entry.Indeterminate)
            {
                current[entry.Id] = incarnations.Count;
                incarnations.Add((entry, false));
            }
            else if (current.TryGetValue(entry.Id, out var at))
            {
                incarnations[at] = entry.Indeterminate ? (incarnations[at].Last, true) : (entry, false);
            }
        }
        return [.. incarnations.Where(i => !i.Doubtful && i.Last.Op != "delete").Select(i => new Owed(i.Last.Id, i.Last.Hash, i.Last.AckAt))];
    }

    private static async Task<Dictionary<long, string>> RowsAsync(string connectionString, long[] ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, title, description, status, priority, due_date FROM tasks WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        var rows = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt64(0)] = TaskContentHash.Of(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        }
        return rows;
    }

    private static List<JsonObject> Journal(string folder) => JournalFile.Read(folder);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Reliability.Load.Engine.LoadHttpClient.InlineCompletionsVariable, _inlineCompletions);
        if (Directory.Exists(_runs))
        {
            StaleRunSweeper.Sweep(_runs);
            Directory.Delete(_runs, recursive: true);
        }
        Directory.Delete(_work, recursive: true);
    }
}
