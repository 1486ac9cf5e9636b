using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Journal.Events;

/// <summary>The write ledger reconciled against the database after recovery.</summary>
internal sealed record RpoReconciled(long Checked, long Lost, long Missing, long Stale, long Ambiguous,
    DateTimeOffset? FirstLostAck, DateTimeOffset? LastLostAck, IReadOnlyList<long> LostIds) : JournalEvent
{
    public RpoResult ToResult() => new(Checked, Lost, Missing, Stale, Ambiguous, FirstLostAck, LastLostAck, LostIds);

    public static RpoReconciled From(RpoResult r) => new(r.Checked, r.Lost, r.Missing, r.Stale, r.Ambiguous, r.FirstLostAck, r.LastLostAck, r.LostIds);
}

/// <summary>
/// One SLI over one phase: server-side (an SLO of slo/specs, as Prometheus measured it) or client-side
/// (what the load generator saw, against the availability SLO's budget).
/// </summary>
internal sealed record SliMeasured(string Source, Phase Phase, string? Slo, double? GoodPercent = null, double? BurnRate = null, double? BudgetSpentPercent = null,
    string? Problem = null, long? Iterations = null, double? SuccessPercent = null, double? P95Ms = null, long? Requests = null) : JournalEvent;

/// <summary>A hypothesis judged.</summary>
internal sealed record VerdictRecorded(string Hypothesis, string Kind, VerdictStatus Status, string? Measured, string Threshold, string Evidence) : JournalEvent
{
    public Verdict ToVerdict() => new(Hypothesis, Kind, Status, Measured, Threshold, Evidence);

    public static VerdictRecorded From(Verdict v) => new(v.Hypothesis, v.Kind, v.Status, v.Measured, v.Threshold, v.Evidence);
}
