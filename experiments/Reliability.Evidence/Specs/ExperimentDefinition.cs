using Reliability.Evidence.Journal.Events;
using Reliability.Load.Thresholds;

namespace Reliability.Evidence.Specs;

internal enum Phase { Steady, Fault, Recovery }

/// <summary>An experiment file, read and checked: what to break, under which load, for how long, and what must hold.</summary>
internal sealed record ExperimentDefinition(
    string File,
    string Name,
    string? Description,
    IReadOnlyList<FaultReference> Faults,
    LoadSpec Load,
    TimelineSpec Timeline,
    Hypotheses Hypotheses,
    IReadOnlyList<StopCondition> StopConditions,
    int Seed)
{
    /// <summary>What the embedded environment must run for this experiment (ignored on Kubernetes).</summary>
    public EnvironmentSpec Environment { get; init; } = EnvironmentSpec.Default;

    /// <summary>Stop conditions on alerts: while the fault is in, Alertmanager holding one of them active rolls it back.</summary>
    public IReadOnlyList<AlertStop> AlertStops { get; init; } = [];

    /// <summary>Stop conditions on CloudWatch alarms: while the fault is in, one of them in ALARM rolls it back.</summary>
    public IReadOnlyList<AlarmStop> AlarmStops { get; init; } = [];

    /// <summary>What is done after the fault, step by step (a restore after a disaster); empty: the target recovers on its own.</summary>
    public IReadOnlyList<RunbookStep> Runbook { get; init; } = [];
}

/// <summary>A stop condition on a CloudWatch alarm (stopConditions: - { alarm: task-manager-high-error-rate }), as AWS FIS stops on alarms.</summary>
internal sealed record AlarmStop(string Name)
{
    public override string ToString() => $"alarm {Name}";
}

/// <summary>
/// A stop condition on an alert (stopConditions: - { alert: SloErrorBudgetBurn, labels: { severity: page } }):
/// the fault is rolled back as soon as Alertmanager holds the alert active, as an on-call page would stop a
/// game day. The labels, when given, must all be on the alert.
/// </summary>
internal sealed record AlertStop(string Name, IReadOnlyDictionary<string, string>? Labels)
{
    public override string ToString() => $"alert {AlertLabels.Identity(Name, Labels)}";
}

/// <summary>
/// The embedded environment an experiment needs: its database (a Patroni cluster by default, or the single
/// PostgreSQL) and, with Patroni, whether replication is synchronous and whether pgBackRest backs it up.
/// </summary>
internal sealed record EnvironmentSpec(string Database, bool SynchronousMode, BackupsSpec? Backups = null)
{
    public static readonly EnvironmentSpec Default = new("patroni", false);
}

/// <summary>
/// WAL archiving and scheduled backups: a full backup once the cluster is up, then one of
/// <paramref name="Scheduled"/> (incremental, differential or full) every <paramref name="Interval"/> (zero: none), with
/// WAL archived at least every <paramref name="ArchiveTimeout"/> while there are writes.
/// </summary>
internal sealed record BackupsSpec(TimeSpan Interval, string Scheduled, TimeSpan ArchiveTimeout);

/// <summary>A fault manifest named by the experiment, resolved relative to the experiment file.</summary>
internal sealed record FaultReference(string Path, string FullPath, long Line, long Column);

/// <summary>
/// The steady traffic: a scenario of a load target (the bundled SUT by default) at a constant arrival rate (open model)
/// or user count (closed model), from one generator or split across <see cref="Shards"/> generator processes; on
/// Kubernetes those are the pods of a Job, which have <see cref="ReadyWithin"/> (default 60 s) to be ready for their shared start.
/// </summary>
internal sealed record LoadSpec(string Target, string Scenario, double? Rate, int? Users, int MaxConcurrent, TimeSpan Timeout, TimeSpan WarmUp, int Shards = 1,
    TimeSpan? ReadyWithin = null);

/// <summary>How long each phase lasts: the experiment file's timeline (what happened is <see cref="Evidence.Timeline"/>).</summary>
internal sealed record TimelineSpec(TimeSpan SteadyState, TimeSpan Fault, TimeSpan Recovery)
{
    public TimeSpan Total => SteadyState + Fault + Recovery;
}

internal sealed record Hypotheses(
    IReadOnlyList<PhaseObjective> Objectives,
    RtoHypothesis? Rto,
    RpoHypothesis? Rpo,
    IReadOnlyList<AlertExpectation> Alerts,
    IReadOnlyList<string> QuietInSteadyState)
{
    /// <summary>Server-side objectives: an SLO of slo/specs measured by Prometheus over a phase.</summary>
    public IReadOnlyList<ServerObjective> ServerObjectives { get; init; } = [];

    /// <summary>Write RTO: from injection to the first acknowledged write after the write outage.</summary>
    public WriteRtoHypothesis? WriteRto { get; init; }

    /// <summary>CloudWatch alarms that must go to ALARM and back to OK in time, judged from the alarms' history.</summary>
    public IReadOnlyList<AlarmExpectation> Alarms { get; init; } = [];

    /// <summary>CloudWatch alarms that must not be in ALARM during the steady state (quietInSteadyState: [{ alarm: NAME }]).</summary>
    public IReadOnlyList<string> QuietAlarms { get; init; } = [];

    public int Count => Objectives.Count + ServerObjectives.Count + (Rto is null ? 0 : 1) + (WriteRto is null ? 0 : 1) + (Rpo is null ? 0 : 1) + Alerts.Count
        + (QuietInSteadyState.Count > 0 ? 1 : 0) + Alarms.Count + (QuietAlarms.Count > 0 ? 1 : 0);
}

/// <summary>
/// "sli:requests-availability >= 99%": the SLO's good-event ratio, as Prometheus measures it from the
/// SLO spec's queries over the phase window, compared with a percentage. Its place in the file is kept
/// so an SLO name the specs do not know is reported there.
/// </summary>
internal sealed partial record ServerObjective(Phase Phase, string Expression, string Slo, string Operator, double Percent, long Line, long Column)
{
    public static ServerObjective? TryParse(Phase phase, string text, long line, long column)
    {
        var match = Grammar().Match(text.Trim());
        if (!text.TrimStart().StartsWith("sli:", StringComparison.Ordinal))
        {
            return null;
        }
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not of the form 'sli:<slo name> <op> <percent>%', e.g. 'sli:requests-availability >= 99%'");
        }
        return new ServerObjective(phase, text.Trim(), match.Groups["slo"].Value, match.Groups["op"].Value,
            double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture), line, column);
    }

    public bool Holds(double percent) => Operator switch
    {
        ">=" => percent >= Percent,
        ">" => percent > Percent,
        "<=" => percent <= Percent,
        _ => percent < Percent,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^sli:(?<slo>[A-Za-z0-9_.-]+)\s*(?<op>>=|>|<=|<)\s*(?<value>\d+(?:\.\d+)?)\s*%$")]
    private static partial System.Text.RegularExpressions.Regex Grammar();
}

/// <summary>A client-side SLO objective over one phase, e.g. "fail_rate &lt; 5%" during the fault.</summary>
internal sealed record PhaseObjective(Phase Phase, Threshold Threshold);

/// <summary>
/// Recovery time: from injection until the user-visible SLI, measured over a sliding <see cref="Window"/>,
/// meets <see cref="Sli"/> again and keeps meeting it for <see cref="StableFor"/>. Must be at most <see cref="Max"/>.
/// </summary>
internal sealed record RtoHypothesis(TimeSpan Max, Threshold Sli, TimeSpan Window, TimeSpan StableFor);

/// <summary>Writes are acknowledged again within <see cref="Max"/> of injection; a pause in acknowledgements shorter than <see cref="Gap"/> is no outage.</summary>
internal sealed record WriteRtoHypothesis(TimeSpan Max, TimeSpan Gap);

/// <summary>
/// The recovery point objective, in either or both of its forms: how many acknowledged writes may be missing
/// or stale after recovery, and how long a span of acknowledged writes may be lost (the seeds' "RPO 1 h").
/// </summary>
internal sealed record RpoHypothesis(long? MaxLostWrites, TimeSpan? MaxDataLossWindow = null);

/// <summary>
/// A CloudWatch alarm that must go to ALARM within <see cref="FiresWithin"/> of injection and, when given, back
/// to OK within <see cref="ResolvesWithin"/> of recovery; production time, scaled like alert deadlines.
/// </summary>
internal sealed record AlarmExpectation(string Name, TimeSpan FiresWithin, TimeSpan? ResolvesWithin)
{
    public override string ToString() => Name;
}

/// <summary>
/// An alert that must fire within <see cref="FiresWithin"/> of injection and, when given, resolve within
/// <see cref="ResolvesWithin"/> of recovery. Deadlines are production time; targets with compressed rule
/// timings (the embedded environment) scale them by the same factor.
/// </summary>
internal sealed record AlertExpectation(string Name, TimeSpan FiresWithin, TimeSpan? ResolvesWithin)
{
    /// <summary>Labels the alert must carry (severity: page), when the same alert name has several label sets; null: any.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The alert as Prometheus writes a series: HighErrorRate{severity="page"}.</summary>
    public override string ToString() => Labels is null ? Name : AlertLabels.Identity(Name, Labels);
}
