using Reliability.Evidence.Journal;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Drivers.Local;

namespace Reliability.Experiments.Faults;

/// <summary>
/// One kind of fault, whole, in its own folder: how it is read from its Chaos Mesh object (and what the
/// local driver refuses), what it does to the embedded environment, and how it is planned on a cluster,
/// where Chaos Mesh applies it. Each kind is registered once, in <see cref="FaultKinds"/>.
/// </summary>
internal interface IFaultKind
{
    FaultAction Action { get; }

    /// <summary>The Chaos Mesh kind that carries it, e.g. "PodChaos" (or the harness's own, e.g. "DatabaseDisaster").</summary>
    string ChaosKind { get; }

    /// <summary>Whether Chaos Mesh applies it on a cluster; false for the harness's own kinds, which a Workflow cannot hold.</summary>
    bool ChaosMesh => true;

    /// <summary>Chaos Mesh's spec.action for it, e.g. "pod-kill".</summary>
    string ChaosAction { get; }

    /// <summary>Done at once (a kill), rather than held until its deadline or the end of the fault window.</summary>
    bool Instant { get; }

    /// <summary>Reads the fault from its spec (a whole object's, or a Workflow template's body); null after reporting a problem.</summary>
    LeafFault? Read(FaultSpec spec);

    /// <summary>What it will do on the embedded environment, to which pods and links; throws a located problem when it cannot.</summary>
    PlannedFault PlanLocal(LeafFault fault, LocalFaultContext local);

    /// <summary>Applies it, holds it until <paramref name="until"/> unless instant, and undoes it, journalling both.</summary>
    Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until);

    /// <summary>What Chaos Mesh will be asked to do on the cluster, against the pods the selector matches there.</summary>
    Task<PlannedFault> PlanKubernetesAsync(LeafFault fault, ClusterSelection cluster, CancellationToken ct);
}
