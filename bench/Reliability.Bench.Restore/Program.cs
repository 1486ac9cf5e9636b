using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Database.Backups;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;

// Restore time against database size: for each size, N runs on a fresh cluster with pgBackRest. Rows of
// about 1 kB (a task with a long description) fill the app database to the size; a full backup is taken;
// the disaster destroys every member; the restore bootstraps from the repository to the end of the
// archive. Each restore step is timed as the restore reports it, and the whole restore with a stopwatch.
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var sizes = (args.Length > 1 ? args[1] : "1,10,100").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var rows = new List<(int Size, string Measure, List<double> Values)>();
foreach (var size in sizes)
{
    var measures = new Dictionary<string, List<double>>();
    for (var i = 1; i <= runs && !stop.IsCancellationRequested; i++)
    {
        using var run = RunDirectory.Create("bench-restore");
        var backups = new BackupOptions { Interval = TimeSpan.Zero };
        await using var cluster = await PatroniCluster.StartAsync(run, new PatroniOptions { Backups = backups }, new PostgresOptions(), ct: stop.Token, time: TimeProvider.System);
        var loaded = await LoadAsync(cluster, size, stop.Token);
        var backup = Stopwatch.StartNew();
        var set = await cluster.Backups!.TakeAsync(BackupType.Full, stop.Token);
        var backupSeconds = backup.Elapsed.TotalSeconds;

        var recovery = new DisasterRecovery(cluster, TimeProvider.System);
        await recovery.DestroyAsync(TimeSpan.Zero, stop.Token);
        var clock = Stopwatch.StartNew();
        var report = await recovery.RestoreAsync(RestoreTarget.Latest, stop.Token);
        var total = clock.Elapsed.TotalSeconds;
        var values = new Dictionary<string, double>
        {
            ["full backup before the disaster"] = backupSeconds,
            ["restore: bootstrap from the repository (restore + replay + promote)"] = report.Steps[0].Duration.TotalSeconds,
            ["restore: full backup on the new timeline"] = report.Steps[1].Duration.TotalSeconds,
            ["restore: replica back"] = report.Steps[2].Duration.TotalSeconds,
            ["restore: whole (writes back once the first step ends)"] = total,
        };
        foreach (var (name, value) in values)
        {
            (measures.TryGetValue(name, out var list) ? list : measures[name] = []).Add(value);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size} MB run {i}: {loaded / 1024.0 / 1024.0:0.0} MB in the database, backup {set.Label} {set.Size / 1024.0 / 1024.0:0.0} MB in {backupSeconds:0.0} s; restore {string.Join(", ", report.Steps.Select(s => $"{s.Name} {s.Duration.TotalSeconds:0.0} s"))}; whole {total:0.0} s"));
    }
    rows.AddRange(measures.Select(m => (size, m.Key, m.Value)));
}
Console.WriteLine();
Console.WriteLine("| size | measure | runs | min | median | max |");
Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: |");
foreach (var (size, name, values) in rows)
{
    var sorted = values.Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} MB | {name} | {sorted.Count} | {sorted[0]:0.0} s | {sorted[sorted.Count / 2]:0.0} s | {sorted[^1]:0.0} s |"));
}

// Fills the app database with rows of about 1 kB until the table is the size asked; gives the database's size.
static async Task<long> LoadAsync(PatroniCluster cluster, int megabytes, CancellationToken ct)
{
    await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
    await connection.OpenAsync(ct);
    var count = megabytes * 1024L * 1024 / 1100;
    foreach (var sql in new[]
    {
        "CREATE TABLE bench_tasks (id bigint PRIMARY KEY, title text NOT NULL, description text NOT NULL, created timestamptz NOT NULL DEFAULT now())",
        $"INSERT INTO bench_tasks (id, title, description) SELECT g, 'task ' || g, repeat(md5(g::text), 30) FROM generate_series(1, {count}) g",
    })
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(ct);
    }
    await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
    return (long)(await size.ExecuteScalarAsync(ct))!;
}
