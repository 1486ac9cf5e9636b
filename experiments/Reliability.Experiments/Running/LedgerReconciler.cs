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
        var expected = Expect(entries, rows.Entity);
        return Compare(expected, await rows.ReadAsync(connectionString, [.. expected.Current.Keys], ct));
    }

    /// <summary>
    /// What must be in the database: per id, the last acknowledged write of its current incarnation. An id
    /// acknowledged as created a second time was issued again, which a database does only after losing the
    /// row that had it (a restore or a failover puts its sequence back): the earlier incarnation's last
    /// acknowledged write is lost, however the new row looks (<see cref="Expectation.Reissued"/>).
    /// </summary>
    internal static Expectation Expect(IEnumerable<LedgerEntry> entries, string entity)
    {
        var current = new Dictionary<long, LedgerEntry>();
        var reissued = new List<LedgerEntry>();
        var unsure = new HashSet<long>();
        long ambiguous = 0;
        foreach (var entry in entries.Where(e => e.Entity == entity).OrderBy(e => e.AckAt))
        {
            if (entry.Indeterminate)
            {
                unsure.Add(entry.Id);
                continue;
            }
            if (entry.Op == "create" && current.TryGetValue(entry.Id, out var earlier))
            {
                if (unsure.Contains(entry.Id))
                {
                    ambiguous++;
                }
                else if (earlier.Op != "delete")
                {
                    reissued.Add(earlier);
                }
            }
            current[entry.Id] = entry;
            unsure.Remove(entry.Id);
        }
        foreach (var id in unsure)
        {
            current.Remove(id);
        }
        return new Expectation(current, reissued, ambiguous + unsure.Count);
    }

    internal static RpoResult Compare(Expectation expected, IReadOnlyDictionary<long, string> rows)
    {
        long missing = expected.Reissued.Count, stale = 0;
        var lost = new List<LedgerEntry>(expected.Reissued);
        foreach (var (id, last) in expected.Current)
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
        return new RpoResult(expected.Current.Count + expected.Reissued.Count, lost.Count, missing, stale, expected.Ambiguous,
            lost.Count == 0 ? null : lost.Min(e => e.AckAt), lost.Count == 0 ? null : lost.Max(e => e.AckAt),
            [.. lost.Select(e => e.Id).Distinct().Order().Take(100)]);
    }

    /// <summary>When each write was acknowledged, from the ledger (indeterminate ones left out); null without a ledger.</summary>
    public static async Task<IReadOnlyList<DateTimeOffset>?> AcknowledgedWritesAsync(string ledgerPath)
    {
        if (!File.Exists(ledgerPath))
        {
            return null;
        }
        var acks = new List<DateTimeOffset>();
        await foreach (var entry in WriteLedger.ReadAsync(ledgerPath))
        {
            if (!entry.Indeterminate)
            {
                acks.Add(entry.AckAt);
            }
        }
        return acks;
    }
}

/// <summary>What the ledger says must be in the database (<see cref="LedgerReconciler.Expect"/>).</summary>
internal sealed record Expectation(IReadOnlyDictionary<long, LedgerEntry> Current, IReadOnlyList<LedgerEntry> Reissued, long Ambiguous);
