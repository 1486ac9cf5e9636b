namespace Reliability.Evidence.Specs;

/// <summary>
/// One step of an experiment's runbook: what the on-call engineer does after the fault, in order, as data
/// (runbook: in the experiment file). The runner times and journals each; the driver carries it out on its
/// target. Its place in the file is kept for problems found later.
/// </summary>
internal abstract record RunbookStep(long Line, long Column)
{
    /// <summary>The step's name in the file: wait, restore, backup, replicas.</summary>
    public abstract string Action { get; }
}

/// <summary>wait: 30s: the time it takes to notice and decide (it counts against the RTO, as it does in a real incident).</summary>
internal sealed record RunbookWait(TimeSpan For, long Line, long Column) : RunbookStep(Line, Column)
{
    public override string Action => "wait";

    public override string ToString() => $"wait {For.TotalSeconds:0.###} s";
}

/// <summary>
/// restore: a new primary from the backup repository, to the end of the archived WAL (latest), to the end
/// of the newest backup only (backup), to a moment (time), or to some time before the fault (beforeFault).
/// </summary>
internal sealed record RunbookRestore(string Target, DateTimeOffset? Time, TimeSpan? BeforeFault, long Line, long Column) : RunbookStep(Line, Column)
{
    public override string Action => "restore";

    /// <summary>The moment to restore to, once the fault's time is known; null for latest and backup.</summary>
    public DateTimeOffset? TimeFor(DateTimeOffset faultAt) => Time ?? (BeforeFault is { } before ? faultAt - before : null);

    public override string ToString() => Target switch
    {
        "latest" => "restore to the end of the archived WAL",
        "backup" => "restore the newest backup only",
        _ => Time is { } t ? $"restore to {t:O}" : $"restore to {BeforeFault!.Value.TotalSeconds:0.###} s before the fault",
    };
}

/// <summary>backup: full: a new full backup of the restored primary, which its new timeline needs before replicas can start from it.</summary>
internal sealed record RunbookBackup(string Type, long Line, long Column) : RunbookStep(Line, Column)
{
    public override string Action => "backup";

    public override string ToString() => $"take a {Type} backup";
}

/// <summary>replicas: let the other members start again, each rebuilt from the repository, and wait for them to stream.</summary>
internal sealed record RunbookReplicas(long Line, long Column) : RunbookStep(Line, Column)
{
    public override string Action => "replicas";

    public override string ToString() => "rebuild the replicas";
}
