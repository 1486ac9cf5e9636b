namespace Reliability.Reports.Model;

/// <summary>
/// The one versioned result every report renders from (schema "reliability.result/v1", documented by
/// reports/schema/result-v1.schema.json). Times are UTC ISO 8601, durations in seconds, latencies in ms.
/// </summary>
internal sealed record ResultModel(
    string Schema,
    ExperimentInfo Experiment,
    string Target,
    string Outcome,
    bool Passed,
    bool Inconclusive,
    IReadOnlyList<PhaseWindow> Phases,
    IReadOnlyList<Injection> Injections,
    IReadOnlyList<VerdictModel> Verdicts,
    RpoModel? Rpo,
    IReadOnlyList<AlertTransition> Alerts,
    IReadOnlyList<SliModel> Sli,
    LoadModel? Load)
{
    public const string Version = "reliability.result/v1";

    /// <summary>What was done after the fault, step by step, and where a restore brought the database back to; null without a runbook.</summary>
    public RunbookModel? Runbook { get; init; }
}

internal sealed record RunbookModel(IReadOnlyList<RunbookStepModel> Steps, RestorePointModel? RestorePoint);

/// <summary>A runbook step as it ran: null seconds and outcome when it never ended (the run was cut short).</summary>
internal sealed record RunbookStepModel(int Step, string Action, string Description, DateTimeOffset Started, double? Seconds, bool? Succeeded, string? Detail);

internal sealed record RestorePointModel(string Member, string Target, string? BackupSet, DateTimeOffset? RestorePoint, int? Timeline);

internal sealed record ExperimentInfo(string Name, string? Description, string File, int Seed);

internal sealed record PhaseWindow(string Phase, DateTimeOffset Start, DateTimeOffset End);

internal sealed record Injection(string Fault, string? Kind, string? Action, DateTimeOffset At, DateTimeOffset? RecoveredAt, IReadOnlyList<string> Pods, IReadOnlyList<string> Links);

internal sealed record VerdictModel(string Hypothesis, string Kind, string Status, string? Measured, string Threshold, string Evidence);

internal sealed record RpoModel(long Checked, long Lost, long Missing, long Stale, long Ambiguous, double LossWindowSeconds);

/// <summary>An alert changing state: pending, firing, resolved (Prometheus), or delivered (Alertmanager's receiver).</summary>
internal sealed record AlertTransition(string Name, string State, DateTimeOffset At);

internal sealed record SliModel(string Source, string Phase, string Slo, double? GoodPercent, double? BurnRate, double? BudgetSpentPercent, string? Problem);

internal sealed record LoadModel(
    string Scenario,
    DateTimeOffset StartedAt,
    long Count,
    long Ok,
    long Failed,
    IReadOnlyDictionary<string, long> Failures,
    double Rps,
    long Dropped,
    IReadOnlyDictionary<string, double> LatencyMs,
    IReadOnlyList<LoadBucket> Series);

internal sealed record LoadBucket(DateTimeOffset Start, long Ok, long Failed, double P50Ms, double P95Ms, double P99Ms);
