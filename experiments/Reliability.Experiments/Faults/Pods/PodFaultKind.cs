using System.Text.Json.Nodes;
using Reliability.Evidence.Journal;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Drivers.Local;

namespace Reliability.Experiments.Faults.Pods;

/// <summary>
/// What the PodChaos actions share: the spec's fields, the pods the targeting picks, the refusal of pods
/// the local driver cannot act on, and the plan on a cluster. Each action says what it does to each kind
/// of local pod (<see cref="LocalEffect"/>) and does it (<see cref="RunLocalAsync"/>).
/// </summary>
internal abstract class PodFaultKind : IFaultKind
{
    private static readonly HashSet<string> Fields = ["action", "mode", "value", "selector", "duration", "gracePeriod", "containerNames"];

    public abstract FaultAction Action { get; }
    public string ChaosKind => "PodChaos";
    public abstract string ChaosAction { get; }
    public abstract bool Instant { get; }

    public LeafFault? Read(FaultSpec spec)
    {
        spec.OnlyFields(spec.Body, spec.Path, Fields);
        var targeting = spec.Targeting(spec.Body, spec.Path);
        var duration = spec.Lasts();
        var grace = spec.Body["gracePeriod"] is JsonValue g && g.TryGetValue(out long seconds) ? seconds : 0;
        var containers = FaultSpec.Strings(spec.Body["containerNames"]);
        if (!Accepts(containers, spec))
        {
            return null;
        }
        return targeting is null ? null : new PodFault(spec.Document, spec.Path, spec.Name, duration, this, targeting, grace) { ContainerNames = containers };
    }

    /// <summary>Whether the action takes these containerNames (container-kill needs some).</summary>
    protected virtual bool Accepts(IReadOnlyList<string> containerNames, FaultSpec spec) => true;

    /// <summary>What the action does to local pods of <paramref name="type"/>; both null when the local driver cannot act on them.</summary>
    protected abstract (string? Effect, string? Refusal) LocalEffect(LocalPodType type, PodFault fault);

    public PlannedFault PlanLocal(LeafFault fault, LocalFaultContext local)
    {
        var pod = (PodFault)fault;
        var pods = local.Choose(fault, fault.Targeting, fault.Path);
        var effects = new List<string>();
        foreach (var group in pods.GroupBy(LocalPods.TypeOf))
        {
            var (effect, refusal) = LocalEffect(group.Key, pod);
            if (effect is null)
            {
                throw new ManifestException(fault.Source.Problem($"{fault.Path}.selector", refusal ??
                    $"{ChaosAction} of {string.Join(", ", group)}: the local driver stops SUT replicas (app=sut), Patroni members (app=postgres with a role label, database: patroni) and etcd members (pod-kill, pod-failure); the single database is not a supervised pod"));
            }
            effects.Add(pods.Count == group.Count() ? effect : $"{string.Join(", ", group.Select(p => p.Name))}: {effect}");
        }
        return new PlannedFault(fault, [.. pods.Select(p => p.Name)], [], string.Join("; ", effects));
    }

    public abstract Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until);

    public async Task<PlannedFault> PlanKubernetesAsync(LeafFault fault, ClusterSelection cluster, CancellationToken ct) =>
        new(fault, await cluster.ResolveAsync(fault, fault.Targeting, fault.Path, ct), [], $"{ChaosAction} by Chaos Mesh, mode {fault.Targeting.Mode}");
}
