using Reliability.Evidence.Results;
using Reliability.Load.Ledger;
using Reliability.Load.Targets;

namespace Reliability.Experiments.Running;

/// <summary>
/// Reconciles the write ledger against the target's rows (read through its <see cref="IRowReader"/>). Per entity, the last acknowledged write states
/// what must be there: no row after an acknowledged delete, otherwise a row with the acknowledged content.
/// A later write without acknowledgement makes the task ambiguous, not lost (the Jepsen "info" case).
/// </summary>
internal static class LedgerReconciler
{
    public static async Task<RpoResult> ReconcileAsync(string ledgerPath, IRowReader rows, string connectionString, CancellationToken ct = default)
    {
        var entries = new List<LedgerEntry>();
        await foreach (var entry in WriteLedger.ReadAsync(ledgerPath))
        {
            entries.Add(entry);
        }
        var expected = Expectations(entries, rows.Entity, out var ambiguous);
        return Compare(expected, await rows.ReadAsync(connectionString, [.. expected.Keys], ct), ambiguous);
    }

    internal static Dictionary<long, LedgerEntry> Expectations(IEnumerable<LedgerEntry> entries, string entity, out long ambiguous)
    {
        var expected = new Dictionary<long, LedgerEntry>();
        var unsure = new HashSet<long>();
        foreach (var entry in entries.Where(e => e.Entity == entity).OrderBy(e => e.AckAt))
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
}
