using System.Globalization;
using System.Text.RegularExpressions;
using Reliability.Evidence.Specs;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// A database disaster and its runbook as Kubernetes actions, for the deployment in sut/deploy/k8s: PostgreSQL
/// with Patroni in a StatefulSet (no operator), its volumes from the claim template "data", Patroni's state in
/// ConfigMaps named after its scope. The restore is Patroni's own custom bootstrap from pgBackRest, the same
/// as the embedded environment's, switched on in the Patroni ConfigMap; it stands where an operator's restore
/// resource would be (CloudNativePG's bootstrap.recovery, Crunchy PGO's spec.backups.pgbackrest.restore).
/// These are planned and printed (--dry-run), never carried out: the harness does not delete a cluster's volumes.
/// </summary>
internal static partial class KubernetesDisaster
{
    /// <summary>Patroni's scope in sut/deploy/k8s/base/postgres.yaml, which names its ConfigMaps.</summary>
    private const string Scope = "postgres";

    public static IReadOnlyList<string> Actions(string ns, IReadOnlyList<string> selected, TimeSpan loseArchivedWal)
    {
        var pods = Names(selected);
        var set = StatefulSet(pods);
        var actions = new List<string>
        {
            $"kubectl -n {ns} scale statefulset/{set} --replicas=0, and wait for {string.Join(", ", pods)} to be gone",
            $"kubectl -n {ns} delete pvc {string.Join(" ", pods.Select(p => $"data-{p}"))}",
            $"kubectl -n {ns} delete configmap {Scope}-config {Scope}-leader {Scope}-failover {Scope}-sync (Patroni's state: without it, the next member bootstraps)",
        };
        if (loseArchivedWal > TimeSpan.Zero)
        {
            actions.Add($"the repository's last {loseArchivedWal.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s of archived WAL deleted (in the object store, not through Kubernetes: not exercised here)");
        }
        return actions;
    }

    /// <summary>What one runbook step does on the cluster, for the planned pods of the disaster.</summary>
    public static string Step(RunbookStep step, string ns, IReadOnlyList<string> selected) => Step(step, ns, Names(selected));

    private static string Step(RunbookStep step, string ns, List<string> pods) => step switch
    {
        RunbookWait wait => $"wait {wait.For.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s",
        RunbookRestore restore => $"kubectl -n {ns} patch configmap patroni: bootstrap.method pgbackrest with `pgbackrest {RestoreOptions(restore)} --target-action=promote restore`; "
            + $"kubectl -n {ns} scale statefulset/{StatefulSet(pods)} --replicas=1; wait for {pods[0]} labelled spilo-role=master; patch the bootstrap method out again",
        RunbookBackup backup => $"kubectl -n {ns} exec {pods[0]} -c postgres -- pgbackrest --stanza={Scope} --type={backup.Type} backup",
        RunbookReplicas => $"kubectl -n {ns} scale statefulset/{StatefulSet(pods)} --replicas={pods.Count}"
            + (pods.Count > 1 ? $"; wait for {string.Join(", ", pods.Skip(1))} labelled spilo-role=replica" : " (the selector found no other member)"),
        _ => step.ToString()!,
    };

    private static string RestoreOptions(RunbookRestore restore) => restore switch
    {
        { Target: "latest" } => "--type=default",
        { Target: "backup" } => "--type=immediate",
        { Time: { } t } => $"--type=time --target=\"{t.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00\"",
        _ => $"--type=time --target=\"<{restore.BeforeFault!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s before the disaster>\"",
    };

    /// <summary>The pods' names, without the namespace the cluster selection puts before them.</summary>
    private static List<string> Names(IReadOnlyList<string> pods) => [.. pods.Select(p => p[(p.IndexOf('/', StringComparison.Ordinal) + 1)..])];

    /// <summary>A StatefulSet's pods are its name and an ordinal: postgres-0 belongs to postgres.</summary>
    private static string StatefulSet(IReadOnlyList<string> pods) =>
        pods.Select(p => Ordinal().Replace(p, "")).Distinct().SingleOrDefault() ?? Scope;

    [GeneratedRegex(@"-\d+$")]
    private static partial Regex Ordinal();
}
