using System.Globalization;
using System.Text.Json.Nodes;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults.Network;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Faults.NetworkDelay;

/// <summary>NetworkChaos delay: latency with jitter and correlation on traffic in the fault's direction.</summary>
internal sealed class NetworkDelay : NetworkFaultKind
{
    private static readonly HashSet<string> DelayFields = ["latency", "jitter", "correlation"];

    public override FaultAction Action => FaultAction.NetworkDelay;
    public override string ChaosAction => "delay";

    protected override (TimeSpan Latency, TimeSpan Jitter, double Correlation, double Loss)? ReadParameters(FaultSpec spec)
    {
        if (spec.Body["delay"] is not JsonObject delay)
        {
            spec.Fail(spec.Path, "a delay action needs spec.delay");
            return null;
        }
        var path = $"{spec.Path}.delay";
        spec.OnlyFields(delay, path, DelayFields);
        var latency = spec.Duration(delay, path, "latency") ?? spec.Missing($"{path}.latency", TimeSpan.Zero);
        return (latency, spec.Duration(delay, path, "jitter") ?? TimeSpan.Zero, spec.Percent(delay, path, "correlation") ?? 0, 0);
    }

    protected override LinkFaults OnLink(NetworkFault fault, LinkDirection direction) =>
        new() { Latency = fault.Latency, Jitter = fault.Jitter, Correlation = fault.Correlation, LatencyDirection = direction };

    protected override string Effect(NetworkFault fault) =>
        $"delay {GoDuration.Format(fault.Latency)} ± {GoDuration.Format(fault.Jitter)} (correlation {fault.Correlation.ToString(CultureInfo.InvariantCulture)} %), direction {fault.Direction}";
}
