using System.Diagnostics;
using Npgsql;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Database;

/// <summary>The real thing on loopback: three etcd members, two Patroni members with their PostgreSQL.</summary>
public sealed class PatroniClusterTests : IDisposable
{
    private readonly RunDirectory _run = RunDirectory.Create("patroni-tests");

    [Fact]
    public async Task It_bootstraps_a_primary_in_zone_a_and_a_streaming_replica_in_zone_b()
    {
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions(), new PostgresOptions(), time: TimeProvider.System);

        cluster.EtcdMembers.Select(e => e.Name).Should().Equal("etcd-zone-a", "etcd-zone-b", "etcd-zone-c");
        cluster.Primary!.Name.Should().Be("postgres-0");
        cluster.Primary.Labels["role"].Should().Be("master");
        cluster.Members[1].Labels.Should().Contain("role", "replica").And.Contain("zone", "zone-b");

        var app = AppConnection(cluster);
        await Execute(app, "CREATE TABLE t (v int); INSERT INTO t VALUES (7)");
        await Wait.Until(async () => await TryScalar(cluster.MemberConnectionString(cluster.Members[1]), "SELECT count(*) FROM t") == 1,
            TimeSpan.FromSeconds(10), "the replica to replay the insert");
        var onReplica = async () => await Execute(cluster.MemberConnectionString(cluster.Members[1]), "INSERT INTO t VALUES (8)");
        (await onReplica.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("25006", "a standby is read-only");
    }

    [Fact]
    public async Task Killing_the_primary_node_fails_over_to_the_replica_and_the_old_primary_rejoins_as_a_replica()
    {
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions(), new PostgresOptions(), time: TimeProvider.System);
        var app = AppConnection(cluster);
        await Execute(app, "CREATE TABLE t (v int); INSERT INTO t VALUES (1)");
        // Asynchronous replication: without this the table can die with the primary (CI once saw "relation t does not exist").
        await cluster.WaitForReplicasToReplayAsync(TimeSpan.FromSeconds(10));
        var old = cluster.Primary!;
        var postmaster = old.PostmasterPid();
        postmaster.Should().NotBeNull();

        var clock = Stopwatch.StartNew();
        cluster.KillNode(old);
        await Wait.Until(() => Task.FromResult(cluster.Primary?.Name == "postgres-1"), TimeSpan.FromSeconds(40), "postgres-1 to become the primary");
        var failover = clock.Elapsed;

        Posix.IsAlive(postmaster!.Value).Should().BeFalse("the node was lost with its postmaster");
        // GET /primary answers 200 once Patroni holds the leader key, a moment before the promotion ends
        // (HAProxy's check has the same window): writes are expected soon after, not at once.
        await Wait.Until(async () => await TryExecute(AppConnection(cluster), "INSERT INTO t VALUES (2)"), TimeSpan.FromSeconds(20), "writes on the promoted replica");
        await Wait.Until(() => Task.FromResult(old.Role == MemberRole.Replica), TimeSpan.FromSeconds(40), "the old primary to rejoin as a replica");
        cluster.LeaderChanges.Select(c => c.To).Should().ContainInOrder("postgres-0", "postgres-1");
        failover.Should().BeLessThan(TimeSpan.FromSeconds(30), $"ttl is 10 s (took {failover.TotalSeconds:0.0} s)");
    }

    [Fact]
    public async Task Killing_only_the_postmaster_lets_patroni_restart_it_without_a_failover()
    {
        await using var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions(), new PostgresOptions(), time: TimeProvider.System);
        var primary = cluster.Primary!;
        var before = primary.PostmasterPid();

        cluster.KillPostgres(primary).Should().BeTrue();

        await Wait.Until(() => Task.FromResult(primary.PostmasterPid() is { } pid && pid != before), TimeSpan.FromSeconds(30), "Patroni to start a new postmaster");
        await Wait.Until(async () => await TryExecute(AppConnection(cluster), "CREATE TABLE IF NOT EXISTS after_crash (v int)"), TimeSpan.FromSeconds(30), "writes on the restarted postmaster");
        cluster.Primary.Should().BeSameAs(primary);
        cluster.LeaderChanges.Where(c => c.To is not null).Select(c => c.To).Distinct().Should().Equal("postgres-0");
    }

    [Fact]
    public async Task Disposing_stops_every_etcd_patroni_and_postgres_process_of_the_run()
    {
        var cluster = await PatroniCluster.StartAsync(_run, new PatroniOptions(), new PostgresOptions(), time: TimeProvider.System);
        Posix.ProcessesMentioning(_run.Path).Should().HaveCountGreaterThanOrEqualTo(6, "3 etcd, 2 patroni, their postmasters and backends");

        await cluster.DisposeAsync();

        await Wait.Until(() => Task.FromResult(Posix.ProcessesMentioning(_run.Path).Count == 0), TimeSpan.FromSeconds(10), "no process left on the run's files");
    }

    internal static string AppConnection(PatroniCluster cluster) => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', cluster.Members.Select(m => $"127.0.0.1:{m.PostgresPort}")), Database = cluster.Database,
        Username = cluster.AppUser, Password = cluster.AppPassword, TargetSessionAttributes = "read-write", HostRecheckSeconds = 0, Pooling = false, Timeout = 3,
    }.ConnectionString;

    internal static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<bool> TryExecute(string connectionString, string sql)
    {
        try
        {
            await Execute(connectionString, sql);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task<long?> TryScalar(string connectionString, string sql)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is NpgsqlException)
        {
            return null;
        }
    }

    public void Dispose() => _run.Dispose();
}

internal static class Wait
{
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }
            await Task.Delay(100);
        }
    }
}
