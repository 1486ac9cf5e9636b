using System.Diagnostics;
using System.Net;
using Npgsql;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Links;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Database;

/// <summary>Fencing and synchronous replication on real etcd, Patroni and PostgreSQL.</summary>
public sealed class PatroniFailoverTests : IDisposable
{
    private readonly RunDirectory _run = RunDirectory.Create("patroni-failover-tests");
    private readonly List<LinkProxy> _links = [];

    [Fact]
    public async Task A_primary_cut_off_from_etcd_demotes_itself_and_refuses_writes_while_the_replica_takes_over()
    {
        // Each member reaches each etcd member through its own link, so the primary alone can be cut off.
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions(), new PostgresOptions(), TimeProvider.System, (member, etcd) =>
        {
            var link = new LinkProxy($"{member.Name}->{etcd.Name}", new IPEndPoint(IPAddress.Loopback, etcd.ClientPort), time: TimeProvider.System);
            _links.Add(link);
            return link.Endpoint;
        });
        var old = cluster.Primary!;
        await PatroniClusterTests.Execute(cluster.MemberConnectionString(old), "CREATE TABLE fenced (v int)");

        var clock = Stopwatch.StartNew();
        foreach (var link in _links.Where(l => l.Name.StartsWith($"{old.Name}->", StringComparison.Ordinal)))
        {
            link.Apply(new LinkFaults { Blackhole = LinkDirection.Both });
        }

        // Fencing: the isolated old primary, reachable by clients, must refuse writes once its leader key is gone.
        await Wait.Until(async () => await WriteErrorAsync(cluster.MemberConnectionString(old)) == "25006", TimeSpan.FromSeconds(40), "the old primary to refuse writes (read-only)");
        var fenced = clock.Elapsed;
        await Wait.Until(() => Task.FromResult(cluster.Primary?.Name == "postgres-1"), TimeSpan.FromSeconds(40), "postgres-1 to be promoted");
        var promoted = clock.Elapsed;
        // A read-write session, soon after GET /primary turns 200 (the promotion may still be ending).
        await Wait.Until(async () => await PatroniClusterTests.TryExecute(PatroniClusterTests.AppConnection(cluster), "SELECT 1"), TimeSpan.FromSeconds(20), "a read-write session on postgres-1");
        fenced.Should().BeLessThan(promoted + TimeSpan.FromSeconds(1), "the old primary stops taking writes before, or as, the new one starts");

        foreach (var link in _links)
        {
            link.Clear();
        }
        await Wait.Until(() => Task.FromResult(old.Role == MemberRole.Replica), TimeSpan.FromSeconds(60), "the old primary to rejoin as a replica");
        Console.WriteLine($"fenced after {fenced.TotalSeconds:0.0} s, replica promoted after {promoted.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Synchronous_mode_loses_no_acknowledged_write_over_five_failovers()
    {
        var options = new PatroniOptions { SynchronousMode = true, RestartDelay = TimeSpan.FromSeconds(12) };
        await using var cluster = await PatroniCluster.StartAsync(_run, options, new PostgresOptions(), time: TimeProvider.System);
        var app = PatroniClusterTests.AppConnection(cluster);
        await PatroniClusterTests.Execute(app, "CREATE TABLE acked (id bigint PRIMARY KEY)");
        await WaitForSyncStandbyAsync(cluster);

        var acknowledged = new List<long>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (long id = 1; !stop.IsCancellationRequested; id++)
            {
                try
                {
                    await PatroniClusterTests.Execute(app, $"INSERT INTO acked VALUES ({id})");
                    lock (acknowledged)
                    {
                        acknowledged.Add(id);
                    }
                }
                catch (NpgsqlException)
                {
                    await Task.Delay(50);
                }
            }
        });
        var failovers = new List<TimeSpan>();
        for (var run = 1; run <= 5; run++)
        {
            var primary = cluster.Primary!;
            var clock = Stopwatch.StartNew();
            cluster.KillNode(primary);
            await Wait.Until(() => Task.FromResult(cluster.Primary is { } p && p != primary), TimeSpan.FromSeconds(40), $"failover {run}");
            failovers.Add(clock.Elapsed);
            await Wait.Until(() => Task.FromResult(primary.Role == MemberRole.Replica), TimeSpan.FromSeconds(60), $"the killed member to rejoin after failover {run}");
            await WaitForSyncStandbyAsync(cluster);
        }
        await stop.CancelAsync();
        await writer;

        long[] ids;
        lock (acknowledged)
        {
            ids = [.. acknowledged];
        }
        ids.Should().HaveCountGreaterThan(100, "writes went on between the failovers");
        long? lost = null;
        await Wait.Until(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(cluster.MemberConnectionString(cluster.Primary!));
                await connection.OpenAsync();
                await using var missing = new NpgsqlCommand("SELECT count(*) FROM unnest(@ids) AS i(id) WHERE NOT EXISTS (SELECT 1 FROM acked a WHERE a.id = i.id)", connection);
                missing.Parameters.AddWithValue("ids", ids);
                lost = (long)(await missing.ExecuteScalarAsync())!;
                return true;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the primary to answer the count");
        lost.Should().Be(0, "synchronous replication acknowledges a commit only once the standby has it");
        Console.WriteLine($"synchronous mode: {ids.Length} acknowledged writes, 0 lost; failovers {string.Join(", ", failovers.Select(f => $"{f.TotalSeconds:0.0} s"))}");
    }

    private static async Task WaitForSyncStandbyAsync(PatroniCluster cluster)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Wait.Until(async () =>
        {
            foreach (var member in cluster.Members.Where(m => m != cluster.Primary))
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(member.RestUrl, "sync"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return true;
                    }
                }
                catch (HttpRequestException)
                {
                }
            }
            return false;
        }, TimeSpan.FromSeconds(60), "a synchronous standby");
    }

    private static async Task<string?> WriteErrorAsync(string connectionString)
    {
        try
        {
            await PatroniClusterTests.Execute(connectionString, "INSERT INTO fenced VALUES (1)");
            return null;
        }
        catch (PostgresException ex)
        {
            return ex.SqlState;
        }
        catch (NpgsqlException ex)
        {
            return ex.GetType().Name;
        }
    }

    public void Dispose()
    {
        foreach (var link in _links)
        {
            link.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        _run.Dispose();
    }
}
