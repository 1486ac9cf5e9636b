using Reliability.Experiments.Faults.Network;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Faults.NetworkPartition;

/// <summary>NetworkChaos partition: nothing passes in the fault's direction; locally the links blackhole it.</summary>
internal sealed class NetworkPartition : NetworkFaultKind
{
    public override FaultAction Action => FaultAction.NetworkPartition;
    public override string ChaosAction => "partition";

    protected override (TimeSpan Latency, TimeSpan Jitter, double Correlation, double Loss)? ReadParameters(FaultSpec spec) =>
        (TimeSpan.Zero, TimeSpan.Zero, 0, 0);

    protected override LinkFaults OnLink(NetworkFault fault, LinkDirection direction) => new() { Blackhole = direction };

    protected override string Effect(NetworkFault fault) => $"partition, direction {fault.Direction}";
}
