using System.Globalization;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Slo.Verdicts;

/// <summary>
/// The RPO, judged from the write ledger reconciled against the database after recovery: as a count of lost
/// acknowledged writes, and as a data-loss window, the span from the first to the last lost acknowledgement.
/// The window is measured on the client's side, so it needs nothing from the database but its rows: after a
/// restore it is the time from the restore point to the last write acknowledged before the disaster, to
/// within the spacing of the writes. No write checked, or no reconciliation, is inconclusive.
/// </summary>
internal static class RpoVerdicts
{
    public static IEnumerable<Verdict> Judge(RpoHypothesis hypothesis, RpoResult? rpo)
    {
        if (hypothesis.MaxLostWrites is { } maxLost)
        {
            yield return Judge($"RPO: at most {maxLost} acknowledged writes lost", maxLost.ToString(CultureInfo.InvariantCulture), rpo,
                r => (r.Lost <= maxLost, $"{r.Lost} lost"));
        }
        if (hypothesis.MaxDataLossWindow is { } maxWindow)
        {
            yield return Judge($"RPO: data-loss window at most {Verdict.Seconds(maxWindow)}", Verdict.Seconds(maxWindow), rpo,
                r => (r.LossWindow <= maxWindow, Verdict.Seconds(r.LossWindow)));
        }
    }

    private static Verdict Judge(string name, string threshold, RpoResult? rpo, Func<RpoResult, (bool Passed, string Measured)> measure)
    {
        if (rpo is null)
        {
            return new Verdict(name, "rpo", VerdictStatus.Inconclusive, null, threshold, "the database could not be reconciled");
        }
        if (rpo.Checked == 0)
        {
            return new Verdict(name, "rpo", VerdictStatus.Inconclusive, "0 checked", threshold, "no acknowledged write to check");
        }
        var (passed, measured) = measure(rpo);
        return new Verdict(name, "rpo", passed ? VerdictStatus.Passed : VerdictStatus.Failed, measured, threshold, Evidence(rpo));
    }

    private static string Evidence(RpoResult rpo)
    {
        var window = rpo.Lost == 0 ? "" : $"; lost writes acknowledged between {rpo.FirstLostAck:HH:mm:ss.fff} and {rpo.LastLostAck:HH:mm:ss.fff} (window {Verdict.Seconds(rpo.LossWindow)}), ids {string.Join(", ", rpo.LostIds.Take(10))}";
        return $"{rpo.Checked} tasks reconciled against PostgreSQL: {rpo.Missing} missing, {rpo.Stale} stale, {rpo.Ambiguous} with an unacknowledged last write (not counted){window}";
    }
}
