using System.Diagnostics;
using Npgsql;

namespace Reliability.Sut.Local.Database;

/// <summary>
/// Waits until every replica has replayed all the WAL the primary had written when the wait began.
/// Replication is asynchronous by default, so a write acknowledged just before a node loss may be on the
/// primary alone: whoever needs "this data survives a failover" must wait for this first.
/// </summary>
internal static class ReplicaReplay
{
    public static async Task WaitAsync(PatroniCluster cluster, TimeSpan timeout, CancellationToken ct)
    {
        var primary = cluster.Primary ?? throw new InvalidOperationException("there is no primary to replicate from");
        var target = await ScalarAsync<string>(cluster, primary, "SELECT pg_current_wal_lsn()::text", null, ct);
        var clock = Stopwatch.StartNew();
        foreach (var replica in cluster.Members.Where(m => m != primary))
        {
            while (!await HasReplayedAsync(cluster, replica, target, ct))
            {
                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"{replica.Name} did not replay the primary's WAL up to {target} within {timeout.TotalSeconds:0} s");
                }
                await Task.Delay(50, ct);
            }
        }
    }

    private static async Task<bool> HasReplayedAsync(PatroniCluster cluster, PatroniMember replica, string lsn, CancellationToken ct)
    {
        try
        {
            return await ScalarAsync<bool?>(cluster, replica, "SELECT pg_last_wal_replay_lsn() >= @lsn::pg_lsn", lsn, ct) == true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task<T> ScalarAsync<T>(PatroniCluster cluster, PatroniMember member, string sql, string? lsn, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(cluster.MemberConnectionString(member));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        if (lsn is not null)
        {
            command.Parameters.AddWithValue("lsn", lsn);
        }
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull or null ? default! : (T)value;
    }
}
