using System.Diagnostics;
using Npgsql;

namespace Reliability.Sut.Local.Database;

public sealed partial class PatroniCluster
{
    /// <summary>
    /// Waits until every replica has replayed all the WAL the primary had written when the call began.
    /// Replication is asynchronous by default, so a write acknowledged just before a node loss may be on the
    /// primary alone: whoever needs "this data survives a failover" must wait for this first.
    /// </summary>
    public async Task WaitForReplicasToReplayAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var primary = Primary ?? throw new InvalidOperationException("there is no primary to replicate from");
        var target = await ScalarAsync<string>(primary, "SELECT pg_current_wal_lsn()::text", null, ct);
        var clock = Stopwatch.StartNew();
        foreach (var replica in Members.Where(m => m != primary))
        {
            while (!await HasReplayedAsync(replica, target, ct))
            {
                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"{replica.Name} did not replay the primary's WAL up to {target} within {timeout.TotalSeconds:0} s");
                }
                await Task.Delay(50, ct);
            }
        }
    }

    private async Task<bool> HasReplayedAsync(PatroniMember replica, string lsn, CancellationToken ct)
    {
        try
        {
            return await ScalarAsync<bool?>(replica, "SELECT pg_last_wal_replay_lsn() >= @lsn::pg_lsn", lsn, ct) == true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private async Task<T> ScalarAsync<T>(PatroniMember member, string sql, string? lsn, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(MemberConnectionString(member));
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
