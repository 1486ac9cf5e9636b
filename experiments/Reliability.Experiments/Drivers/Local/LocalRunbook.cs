using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Specs;
using Reliability.Sut.Local.Database.Backups;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// The runbook's steps on the embedded environment, through the Patroni cluster's disaster recovery: a new
/// primary bootstrapped from the pgBackRest repository, a full backup on its new timeline, the replicas
/// rebuilt. The SUT's routers find the new primary on their own, as they do after a failover.
/// </summary>
internal static class LocalRunbook
{
    public static string Plan(RunbookStep step) => step switch
    {
        RunbookRestore => $"{step}: postgres-0 bootstrapped by Patroni from the pgBackRest repository, then promoted",
        RunbookBackup => $"{step} of the restored primary with pgBackRest",
        RunbookReplicas => $"{step}: the other members start again and are rebuilt from the repository",
        _ => step.ToString()!,
    };

    public static async Task<string> RunAsync(DisasterRecovery recovery, RunbookStep step, DateTimeOffset faultAt, ExperimentJournal journal, CancellationToken ct)
    {
        switch (step)
        {
            case RunbookRestore restore:
                var target = restore.Target switch
                {
                    "latest" => RestoreTarget.Latest,
                    "backup" => RestoreTarget.Backup,
                    _ => new RestoreTarget(restore.TimeFor(faultAt)),
                };
                var primary = await recovery.RestorePrimaryAsync(target, ct);
                journal.Write(new RestorePointReached(primary.Member, target.ToString(), primary.BackupSet, primary.RestorePoint, primary.Timeline));
                return $"{primary.Member} restored from {primary.BackupSet ?? "(set not logged)"} to {primary.RestorePoint?.ToString("O") ?? "(no transaction replayed)"}, timeline {primary.Timeline}";
            case RunbookBackup:
                var set = await recovery.BackupNewTimelineAsync(ct);
                return $"backup {set.Label}, {set.Size / 1024.0 / 1024.0:0.0} MB";
            case RunbookReplicas:
                await recovery.RestoreReplicasAsync(ct);
                return "every replica streaming";
            default:
                throw new NotSupportedException($"runbook step {step.Action} is the runner's");
        }
    }
}
