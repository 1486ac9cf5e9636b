using Npgsql;
using Reliability.Load.Ledger;

namespace Reliability.Slo.Rpo;

/// <summary>
/// What reconciliation found: acknowledged writes missing or stale in the database (lost), entities
/// whose last write had no acknowledgement (ambiguous: they may legitimately differ), and the span
/// of the lost writes' acknowledgement times (the data-loss window).
/// </summary>
public sealed record RpoResult(long Checked, long Lost, long Missing, long Stale, long Ambiguous, DateTimeOffset? FirstLostAck, DateTimeOffset? LastLostAck, IReadOnlyList<long> LostIds)
{
    public TimeSpan LossWindow => FirstLostAck is { } a && LastLostAck is { } b ? b - a : TimeSpan.Zero;
}

/// <summary>
/// Reconciles the write ledger against the tasks table. Per task, the last acknowledged write states
/// what must be there: no row after an acknowledged delete, otherwise a row with the acknowledged content.
/// A later write without acknowledgement makes the task ambiguous, not lost (the Jepsen "info" case).
/// </summary>
public static class LedgerReconciler
{
    public static async Task<RpoResult> ReconcileAsync(string ledgerPath, string connectionString, CancellationToken ct = default)
    {
        var entries = new List<LedgerEntry>();
        await foreach (var entry in WriteLedger.ReadAsync(ledgerPath))
        {
            entries.Add(entry);
        }
        var expected = Expectations(entries, out var ambiguous);
        var rows = await ReadTasksAsync(connectionString, [.. expected.Keys], ct);
        return Compare(expected, rows, ambiguous);
    }

    internal static Dictionary<long, LedgerEntry> Expectations(IEnumerable<LedgerEntry> entries, out long ambiguous)
    {
        var expected = new Dictionary<long, LedgerEntry>();
        var unsure = new HashSet<long>();
        foreach (var entry in entries.Where(e => e.Entity == "task").OrderBy(e => e.AckAt))
        {
            if (entry.Indeterminate)
            {
                unsure.Add(entry.Id);
                continue;
            }
            expected[entry.Id] = entry;
            unsure.Remove(entry.Id);
        }
        foreach (var id in unsure)
        {
            expected.Remove(id);
        }
        ambiguous = unsure.Count;
        return expected;
    }

    internal static RpoResult Compare(Dictionary<long, LedgerEntry> expected, IReadOnlyDictionary<long, string> rows, long ambiguous)
    {
        long missing = 0, stale = 0;
        var lost = new List<LedgerEntry>();
        foreach (var (id, last) in expected)
        {
            var present = rows.TryGetValue(id, out var hash);
            var ok = last.Op == "delete" ? !present : present && hash == last.Hash;
            if (ok)
            {
                continue;
            }
            lost.Add(last);
            if (last.Op != "delete" && !present)
            {
                missing++;
            }
            else
            {
                stale++;
            }
        }
        return new RpoResult(expected.Count, lost.Count, missing, stale, ambiguous,
            lost.Count == 0 ? null : lost.Min(e => e.AckAt), lost.Count == 0 ? null : lost.Max(e => e.AckAt),
            [.. lost.Select(e => e.Id).Order().Take(100)]);
    }

    private static async Task<Dictionary<long, string>> ReadTasksAsync(string connectionString, long[] ids, CancellationToken ct)
    {
        var rows = new Dictionary<long, string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT id, title, description, status, priority, due_date FROM tasks WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows[reader.GetInt64(0)] = TaskContentHash.Of(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        }
        return rows;
    }
}
