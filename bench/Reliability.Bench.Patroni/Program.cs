using System.Diagnostics;
using System.Globalization;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;

// Bootstrap and failover of the embedded Patroni cluster with the default settings (ttl 10 s,
// loop_wait 1 s, retry_timeout 4 s), N runs each on a fresh cluster: etcd ready, primary ready,
// replica streaming, failover after a node loss of the primary (until the router sees the new primary),
// and the old primary back as a replica once restarted.
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var bootstrap = new List<double>();
var failover = new List<double>();
var rejoin = new List<double>();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
for (var i = 1; i <= runs && !stop.IsCancellationRequested; i++)
{
    using var run = RunDirectory.Create("bench-patroni");
    var clock = Stopwatch.StartNew();
    await using var cluster = await PatroniCluster.StartAsync(run, new PatroniOptions { RestartDelay = TimeSpan.FromSeconds(12) }, new PostgresOptions(), ct: stop.Token, time: TimeProvider.System);
    bootstrap.Add(clock.Elapsed.TotalSeconds);
    var old = cluster.Primary!;
    clock.Restart();
    cluster.KillNode(old);
    await Until(() => cluster.Primary is { } p && p != old, TimeSpan.FromSeconds(60), stop.Token);
    failover.Add(clock.Elapsed.TotalSeconds);
    clock.Restart();
    await Until(() => old.Role == MemberRole.Replica, TimeSpan.FromSeconds(90), stop.Token);
    rejoin.Add(clock.Elapsed.TotalSeconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {i}: bootstrap {bootstrap[^1]:0.0} s, failover {failover[^1]:0.0} s, old primary back as replica {rejoin[^1]:0.0} s after the failover (12 s restart delay included)"));
}
Console.WriteLine();
Console.WriteLine("| measure | runs | min | median | max |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var (name, values) in new[] { ("bootstrap (3 etcd, primary, streaming replica, app database)", bootstrap), ("failover after node loss (ttl 10 s)", failover), ("rejoin as replica after the failover", rejoin) })
{
    var sorted = values.Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted.Count} | {sorted[0]:0.0} s | {sorted[sorted.Count / 2]:0.0} s | {sorted[^1]:0.0} s |"));
}

static async Task Until(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
{
    var clock = Stopwatch.StartNew();
    while (!condition())
    {
        if (clock.Elapsed > timeout)
        {
            throw new TimeoutException($"not within {timeout.TotalSeconds:0} s");
        }
        await Task.Delay(50, ct);
    }
}
