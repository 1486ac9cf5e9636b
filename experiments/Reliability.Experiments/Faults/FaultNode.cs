using Reliability.Experiments.ChaosMesh.Objects;

namespace Reliability.Experiments.Faults;

/// <summary>Which pods a fault hits: a selector, then a mode that picks among the matches.</summary>
internal sealed record Targeting(ChaosSelector Selector, PodMode Mode)
{
    public override string ToString() => $"{Mode} of [{Selector}]";
}

/// <summary>
/// A fault as the drivers run it, read from a Chaos Mesh object: a leaf (one fault kind), a pause, or a
/// serial/parallel group from a Workflow. <see cref="Deadline"/> is how long it lasts (spec.duration, or
/// the Workflow template's deadline); null means until the experiment recovers.
/// </summary>
internal abstract record FaultNode(ChaosDocument Source, string Path, string Name, TimeSpan? Deadline)
{
    public IEnumerable<FaultNode> Leaves() => this switch
    {
        FaultGroup group => group.Children.SelectMany(c => c.Leaves()),
        _ => [this],
    };
}

internal sealed record FaultGroup(ChaosDocument Source, string Path, string Name, TimeSpan? Deadline, bool Parallel, IReadOnlyList<FaultNode> Children)
    : FaultNode(Source, Path, Name, Deadline);

/// <summary>A Workflow Suspend template: wait for the deadline.</summary>
internal sealed record SuspendFault(ChaosDocument Source, string Path, string Name, TimeSpan? Deadline)
    : FaultNode(Source, Path, Name, Deadline);

/// <summary>One fault of one kind on the pods its targeting picks; the kind reads, applies and plans it.</summary>
internal abstract record LeafFault(ChaosDocument Source, string Path, string Name, TimeSpan? Deadline, IFaultKind Kind, Targeting Targeting)
    : FaultNode(Source, Path, Name, Deadline)
{
    /// <summary>The Chaos Mesh action, e.g. "pod-kill", "delay".</summary>
    public string Action => Kind.ChaosAction;
}

/// <summary>PodChaos: pod-kill, pod-failure or container-kill.</summary>
internal sealed record PodFault(ChaosDocument Source, string Path, string Name, TimeSpan? Deadline, IFaultKind Kind, Targeting Targeting, long GracePeriodSeconds)
    : LeafFault(Source, Path, Name, Deadline, Kind, Targeting)
{
    /// <summary>container-kill's containers. On a database member, "postgres" is the postmaster and "patroni" Patroni itself.</summary>
    public IReadOnlyList<string> ContainerNames { get; init; } = [];
}

/// <summary>
/// NetworkChaos: delay, loss or partition between the selected pods and, optionally, a target set.
/// Direction "to" hits traffic from the selected pods to the target, "from" the reverse, "both" both.
/// </summary>
internal sealed record NetworkFault(
    ChaosDocument Source, string Path, string Name, TimeSpan? Deadline, IFaultKind Kind,
    Targeting Targeting, Targeting? Target, string Direction,
    TimeSpan Latency, TimeSpan Jitter, double Correlation, double LossPercent)
    : LeafFault(Source, Path, Name, Deadline, Kind, Targeting);
