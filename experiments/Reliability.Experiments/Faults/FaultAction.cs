namespace Reliability.Experiments.Faults;

/// <summary>Every fault the harness can inject, one per kind; Chaos Mesh's own names are in <see cref="IFaultKind"/>.</summary>
internal enum FaultAction
{
    PodKill,
    PodFailure,
    ContainerKill,
    NetworkDelay,
    NetworkLoss,
    NetworkPartition,
    DatabaseDisaster,
}
