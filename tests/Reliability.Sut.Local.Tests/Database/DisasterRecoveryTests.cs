using Npgsql;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Database.Backups;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Database;

/// <summary>pgBackRest on real Patroni and PostgreSQL: archiving, scheduled backups, and the whole database restored after it is lost.</summary>
public sealed class DisasterRecoveryTests : IDisposable
{
    private readonly RunDirectory _run = RunDirectory.Create("disaster-recovery-tests");

    [Fact]
    public async Task The_cluster_archives_its_WAL_takes_a_full_backup_once_up_and_then_scheduled_incremental_ones()
    {
        var backups = new BackupOptions { Interval = TimeSpan.FromSeconds(5), ArchiveTimeout = TimeSpan.FromSeconds(2) };
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions { Backups = backups }, new PostgresOptions(), TimeProvider.System);

        cluster.Backups!.Backups.Should().ContainSingle().Which.Type.Should().Be(BackupType.Full);
        await Wait.Until(() => Task.FromResult(cluster.Backups.Backups.Any(b => b.Type == BackupType.Incremental)), TimeSpan.FromSeconds(40), "a scheduled incremental backup");
        var catalog = await cluster.Backups.BackRest.InfoAsync(CancellationToken.None);

        catalog.Backups.Select(b => b.Label).Should().StartWith(cluster.Backups.Backups.Select(b => b.Label).Take(2));
        catalog.ArchiveMax.Should().NotBeNull("the primary archives its WAL to the repository");
        cluster.Backups.Failures.Should().BeEmpty();
        File.ReadAllText(cluster.Members[0].ConfigFile).Should().Contain("archive_command").And.Contain("create_replica_methods: [pgbackrest, basebackup]");
    }

    [Fact]
    public async Task After_the_whole_database_is_lost_a_restore_to_the_end_of_the_archive_keeps_exactly_the_writes_committed_by_the_restore_point()
    {
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions { Backups = OneBackup }, new PostgresOptions(), TimeProvider.System);
        var app = PatroniClusterTests.AppConnection(cluster);
        var acknowledged = await WriteAsync(app, TimeSpan.FromSeconds(6));
        var lastAck = acknowledged.Values.Max();

        var recovery = new DisasterRecovery(cluster, TimeProvider.System);
        var disaster = await recovery.DestroyAsync(TimeSpan.Zero, CancellationToken.None);
        cluster.Members.Should().OnlyContain(m => !Directory.Exists(m.DataDirectory));
        var report = await recovery.RestoreAsync(RestoreTarget.Latest, CancellationToken.None);

        var present = await RowsAsync(app);
        var point = report.RestorePoint ?? throw new InvalidOperationException("no restore point in the log");
        var lost = acknowledged.Keys.Except(present.Keys).ToList();
        Console.WriteLine($"{acknowledged.Count} acknowledged, {lost.Count} lost; restore point {point:O}, last ack {lastAck:O}, window {(lastAck - point).TotalSeconds:0.000} s; " +
            $"steps {string.Join(", ", report.Steps.Select(s => $"{s.Name} {s.Duration.TotalSeconds:0.0} s"))}; set {report.BackupSet}");
        present.Values.Should().OnlyContain(at => at <= point, "nothing committed after the restore point survives");
        acknowledged.Where(a => a.Value <= point).Select(a => a.Key).Should().BeSubsetOf(present.Keys, "every write acknowledged by the restore point survives");
        lost.Should().OnlyContain(id => acknowledged[id] > point);
        (lastAck - point).Should().BeLessThan(OneBackup.ArchiveTimeout + TimeSpan.FromSeconds(3), "archiving lags by at most archive_timeout");
        report.BackupSet.Should().Be(cluster.Backups!.Backups[0].Label, "the only backup before the disaster");
        report.Timeline.Should().BeGreaterThan(1, "a restore starts a new timeline");
        report.Steps.Select(s => s.Name).Should().Equal("bootstrap from the repository", "full backup on the new timeline", "replicas");
        cluster.Members.Should().OnlyContain(m => m.Role != MemberRole.Unknown);
        disaster.Members.Should().HaveCount(2);
    }

    [Fact]
    public async Task When_the_newest_archived_WAL_is_lost_too_the_restore_stops_before_it_and_keeps_only_what_was_committed_by_then()
    {
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions { Backups = OneBackup }, new PostgresOptions(), TimeProvider.System);
        var app = PatroniClusterTests.AppConnection(cluster);
        var acknowledged = await WriteAsync(app, TimeSpan.FromSeconds(8));

        var recovery = new DisasterRecovery(cluster, TimeProvider.System);
        var disaster = await recovery.DestroyAsync(TimeSpan.FromSeconds(4), CancellationToken.None);
        var report = await recovery.RestoreAsync(RestoreTarget.Latest, CancellationToken.None);

        var present = await RowsAsync(app);
        var point = report.RestorePoint ?? throw new InvalidOperationException("no restore point in the log");
        Console.WriteLine($"{disaster.ArchivedWalFilesLost} archived segments lost, newest kept archived at {disaster.NewestArchivedWalKept:O}; " +
            $"{acknowledged.Count} acknowledged, {acknowledged.Count - present.Count} lost; restore point {point:O}, disaster at {disaster.At:O}");
        disaster.ArchivedWalFilesLost.Should().BeGreaterThan(0, "segments were archived every 2 s while rows were written");
        point.Should().BeBefore(disaster.At - TimeSpan.FromSeconds(4), "what was archived in the last 4 s is gone");
        point.Should().BeOnOrBefore(disaster.NewestArchivedWalKept!.Value, "a segment holds only commits made before it was archived");
        present.Values.Should().OnlyContain(at => at <= point);
        acknowledged.Where(a => a.Value <= point).Select(a => a.Key).Should().BeSubsetOf(present.Keys);
    }

    [Fact]
    public async Task A_point_in_time_restore_keeps_what_was_committed_before_the_target_and_nothing_after()
    {
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions { Backups = OneBackup }, new PostgresOptions(), TimeProvider.System);
        var app = PatroniClusterTests.AppConnection(cluster);
        var acknowledged = await WriteAsync(app, TimeSpan.FromSeconds(6));
        var target = acknowledged.Values.Order().ElementAt(acknowledged.Count / 2);
        // Recovery reaches a time target only by replaying a commit after it: make sure the archive holds one.
        var segment = await SwitchWalAsync(cluster.AdminConnectionString);
        await Wait.Until(async () => string.CompareOrdinal((await cluster.Backups!.BackRest.InfoAsync(CancellationToken.None)).ArchiveMax, segment) >= 0,
            TimeSpan.FromSeconds(20), $"WAL segment {segment} to be archived");

        var recovery = new DisasterRecovery(cluster, TimeProvider.System);
        await recovery.DestroyAsync(TimeSpan.Zero, CancellationToken.None);
        var report = await recovery.RestoreAsync(new RestoreTarget(target), CancellationToken.None);

        var present = await RowsAsync(app);
        Console.WriteLine($"{acknowledged.Count} acknowledged, {present.Count} restored; target {target:O}, restore point {report.RestorePoint:O}");
        present.Values.Should().OnlyContain(at => at <= target);
        acknowledged.Where(a => a.Value <= target).Select(a => a.Key).Should().BeSubsetOf(present.Keys);
        present.Count.Should().BeLessThan(acknowledged.Count);
        report.RestorePoint.Should().NotBeNull().And.Subject.Should().BeOnOrBefore(target);
    }

    [Fact]
    public async Task A_restore_to_a_time_before_the_oldest_backup_fails_with_PostgreSQL_s_reason_and_leaves_no_process_behind()
    {
        var beforeAnyBackup = DateTimeOffset.UtcNow.AddMinutes(-1);
        await using (var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions { Backups = OneBackup }, new PostgresOptions(), TimeProvider.System))
        {
            var recovery = new DisasterRecovery(cluster, TimeProvider.System) { RestoreTimeout = TimeSpan.FromSeconds(90) };
            await recovery.DestroyAsync(TimeSpan.Zero, CancellationToken.None);
            var clock = System.Diagnostics.Stopwatch.StartNew();

            var restore = () => recovery.RestoreAsync(new RestoreTarget(beforeAnyBackup), CancellationToken.None);

            var failed = await restore.Should().ThrowAsync<RestoreFailedException>();
            Console.WriteLine($"failed after {clock.Elapsed.TotalSeconds:0.0} s: {failed.Which.Message}");
            failed.Which.Message.Should().Contain("pgBackRest [075]: unable to find backup set with stop time less than").And.NotContain("Traceback");
            clock.Elapsed.Should().BeLessThan(recovery.RestoreTimeout, "Patroni gives up on a failed bootstrap at once, and so does the restore");
        }
        Posix.ProcessesMentioning(_run.Path).Should().BeEmpty("no pgBackRest, Patroni or PostgreSQL process is left once the cluster is disposed");
    }

    /// <summary>The first full backup only, and WAL archived at least every 2 s.</summary>
    private static BackupOptions OneBackup => new() { Interval = TimeSpan.Zero, ArchiveTimeout = TimeSpan.FromSeconds(2) };

    /// <summary>Creates the table, then inserts rows one by one on one connection for a while; gives each acknowledged id with the time its commit returned.</summary>
    private static async Task<Dictionary<long, DateTimeOffset>> WriteAsync(string connectionString, TimeSpan duration)
    {
        await PatroniClusterTests.Execute(connectionString, "CREATE TABLE acked (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        var acknowledged = new Dictionary<long, DateTimeOffset>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var end = DateTimeOffset.UtcNow + duration;
        for (long id = 1; DateTimeOffset.UtcNow < end && id < 1_000_000; id++)
        {
            await using var command = new NpgsqlCommand($"INSERT INTO acked (id) VALUES ({id})", connection);
            await command.ExecuteNonQueryAsync();
            acknowledged[id] = DateTimeOffset.UtcNow;
        }
        return acknowledged;
    }

    /// <summary>Ends the current WAL segment, so it is archived; gives its name.</summary>
    private static async Task<string> SwitchWalAsync(string adminConnectionString)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_walfile_name(pg_switch_wal())", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<long, DateTimeOffset>> RowsAsync(string connectionString)
    {
        var rows = new Dictionary<long, DateTimeOffset>();
        await Wait.Until(() => PatroniClusterTests.TryExecute(connectionString, "SELECT 1"), TimeSpan.FromSeconds(20), "a read-write session after the restore");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, at FROM acked", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt64(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        return rows;
    }

    public void Dispose() => _run.Dispose();
}
