using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Faults.Pods;

namespace Reliability.Experiments.Faults.DatabaseDisaster;

/// <summary>The disaster as read: the members it takes, and how much of the newest archived WAL is lost with them.</summary>
internal sealed record DisasterFault(Reliability.Experiments.ChaosMesh.Objects.ChaosDocument Source, string Path, string Name, IFaultKind Kind, Targeting Targeting, TimeSpan LoseArchivedWal)
    : LeafFault(Source, Path, Name, null, Kind, Targeting);

/// <summary>
/// DatabaseDisaster destroy (reliability.dev/v1alpha1, the harness's own kind; Chaos Mesh has none that loses
/// a database): every member stopped and its data directory deleted, the cluster's state in etcd cleared,
/// and optionally the newest archived WAL lost too. It is instant and has nothing to undo: the way back is
/// the experiment's runbook (restore from the backup repository); at the end of the run the embedded
/// environment is stopped whatever state the database is in. On Kubernetes it is planned as the actions
/// that would lose the database there (scale the StatefulSet to zero, delete its volumes and Patroni's
/// state) and only ever dry-run: the harness does not delete a cluster's volumes.
/// </summary>
internal sealed class DatabaseDisaster : IFaultKind
{
    private static readonly HashSet<string> Fields = ["action", "mode", "selector", "loseArchivedWal"];

    public FaultAction Action => FaultAction.DatabaseDisaster;
    public string ChaosKind => "DatabaseDisaster";
    public string ChaosAction => "destroy";
    public bool Instant => true;
    public bool ChaosMesh => false;

    public LeafFault? Read(FaultSpec spec)
    {
        spec.OnlyFields(spec.Body, spec.Path, Fields);
        var targeting = spec.Targeting(spec.Body, spec.Path);
        var lose = spec.Duration(spec.Body, spec.Path, "loseArchivedWal") ?? TimeSpan.Zero;
        if (targeting is not null && targeting.Mode.Mode != Reliability.Experiments.ChaosMesh.Objects.SelectionMode.All)
        {
            spec.Fail($"{spec.Path}.mode", "a disaster takes the whole database: mode must be all");
            return null;
        }
        return targeting is null ? null : new DisasterFault(spec.Document, spec.Path, spec.Name, this, targeting, lose);
    }

    public PlannedFault PlanLocal(LeafFault fault, LocalFaultContext local)
    {
        var disaster = (DisasterFault)fault;
        var pods = local.Choose(fault, fault.Targeting, fault.Path);
        var members = local.Layout.SelectMany(l => new[] { (l.From, l.FromLabels), (l.To, l.ToLabels) })
            .Where(p => p.Item2.GetValueOrDefault("app") == "postgres" && p.Item2.ContainsKey("role")).Select(p => p.Item1).Distinct().Order().ToList();
        if (pods.Any(p => LocalPods.TypeOf(p) != LocalPodType.DatabaseMember) || members.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{fault.Path}.selector",
                $"a disaster destroys the Patroni cluster's members (app=postgres with a role label, database: patroni); [{string.Join(", ", pods.Select(p => p.Name))}] are not all members"));
        }
        if (pods.Count != members.Count)
        {
            throw new ManifestException(fault.Source.Problem($"{fault.Path}.selector",
                $"a disaster destroys the whole database: the selector picks {string.Join(", ", pods.Select(p => p.Name))} of {string.Join(", ", members)}"));
        }
        return new PlannedFault(fault, [.. pods.Select(p => p.Name)], [], Effect(disaster));
    }

    private static string Effect(DisasterFault fault) =>
        "every member killed and its data directory deleted, the cluster's state in etcd cleared"
        + (fault.LoseArchivedWal > TimeSpan.Zero ? $", and the last {fault.LoseArchivedWal.TotalSeconds:0.###} s of archived WAL deleted" : "");

    public async Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until)
    {
        var report = await local.Recovery.DestroyAsync(((DisasterFault)fault).LoseArchivedWal, until);
        journal.Write(LocalFaultContext.Injected(planned) with { At = report.At });
        journal.Write(new DatabaseDestroyed(report.Members, report.ArchivedWalFilesLost, report.NewestArchivedWalKept));
    }

    public async Task<PlannedFault> PlanKubernetesAsync(LeafFault fault, ClusterSelection cluster, CancellationToken ct)
    {
        var pods = await cluster.ResolveAsync(fault, fault.Targeting, fault.Path, ct);
        return new PlannedFault(fault, pods, [], "dry run only, by the harness: " + string.Join("; ", KubernetesDisaster.Actions(fault.Source.Namespace ?? "default", pods, ((DisasterFault)fault).LoseArchivedWal)));
    }
}
