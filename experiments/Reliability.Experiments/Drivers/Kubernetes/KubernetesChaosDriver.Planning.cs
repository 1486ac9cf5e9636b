using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Faults;

namespace Reliability.Experiments.Drivers.Kubernetes;

internal sealed partial class KubernetesChaosDriver
{
    /// <summary>
    /// Every root's namespace must be on the allow-list, and every leaf is planned by its fault kind
    /// against the pods its selector matches in the cluster. All problems at once, each in its manifest.
    /// </summary>
    /// <summary>Experiment zone → cluster zone, as given (--zone); the rest is discovered from the nodes.</summary>
    public IReadOnlyDictionary<string, string> Zones { get; init; } = new Dictionary<string, string>();

    /// <summary>The experiment zones this cluster calls otherwise (after planning; empty when no fault names a zone).</summary>
    public IReadOnlyDictionary<string, string> RenamedZones => _zones?.Renamed ?? new Dictionary<string, string>();

    private ZoneMap? _zones;

    private async Task<ZoneMap> ZonesAsync(CancellationToken ct) => _zones ??= await ZoneMap.DiscoverAsync(client, Zones, ct);

    public async Task<FaultPlan> PlanAsync(IReadOnlyList<FaultNode> faults, CancellationToken ct)
    {
        var problems = new List<ManifestProblem>();
        var leaves = new List<PlannedFault>();
        var cluster = new ClusterSelection(client, allowedNamespaces, Owner.Pod, ZonesAsync);
        foreach (var root in faults)
        {
            var ns = root.Source.Namespace ?? "default";
            if (!allowedNamespaces.Contains(ns))
            {
                problems.Add(root.Source.Problem("metadata.namespace", $"namespace '{ns}' is not on the allow-list ({string.Join(", ", allowedNamespaces)})"));
                continue;
            }
            foreach (var leaf in root.Leaves())
            {
                try
                {
                    leaves.Add(leaf is LeafFault fault ? await fault.Kind.PlanKubernetesAsync(fault, cluster, ct) : new PlannedFault(leaf, [], [], "wait"));
                }
                catch (ManifestException ex)
                {
                    problems.AddRange(ex.Problems);
                }
            }
        }
        return problems.Count > 0 ? throw new ManifestException(problems) : new FaultPlan(Name, faults, leaves);
    }

    /// <summary>The runbook as actions on the cluster's database, against the pods the disaster was planned on (dry run only).</summary>
    public IReadOnlyList<string> PlanRunbook(IReadOnlyList<Reliability.Evidence.Specs.RunbookStep> runbook, FaultPlan plan)
    {
        var disaster = plan.Leaves.FirstOrDefault(l => l.Fault is Faults.DatabaseDisaster.DisasterFault);
        var ns = disaster?.Fault.Source.Namespace ?? "default";
        var pods = disaster?.Pods ?? ["postgres-0"];
        return [.. runbook.Select(step => KubernetesDisaster.Step(step, ns, pods))];
    }
}
