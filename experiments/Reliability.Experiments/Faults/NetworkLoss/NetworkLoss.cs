using System.Globalization;
using System.Text.Json.Nodes;
using Reliability.Experiments.Faults.Network;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Faults.NetworkLoss;

/// <summary>
/// NetworkChaos loss: a share of packets dropped. A user-space link sees a byte stream, not packets, so
/// locally loss is the retransmission delay TCP would add, on the link both ways.
/// </summary>
internal sealed class NetworkLoss : NetworkFaultKind
{
    private static readonly HashSet<string> LossFields = ["loss", "correlation"];

    public override FaultAction Action => FaultAction.NetworkLoss;
    public override string ChaosAction => "loss";

    protected override (TimeSpan Latency, TimeSpan Jitter, double Correlation, double Loss)? ReadParameters(FaultSpec spec)
    {
        if (spec.Body["loss"] is not JsonObject loss)
        {
            spec.Fail(spec.Path, "a loss action needs spec.loss");
            return null;
        }
        var path = $"{spec.Path}.loss";
        spec.OnlyFields(loss, path, LossFields);
        var percent = spec.Percent(loss, path, "loss") ?? spec.Missing($"{path}.loss", 0.0);
        return (TimeSpan.Zero, TimeSpan.Zero, spec.Percent(loss, path, "correlation") ?? 0, percent);
    }

    protected override LinkFaults OnLink(NetworkFault fault, LinkDirection direction) => new() { LossPercent = fault.LossPercent };

    protected override string Effect(NetworkFault fault) =>
        $"loss {fault.LossPercent.ToString(CultureInfo.InvariantCulture)} % (as TCP retransmission delay, both ways)";
}
