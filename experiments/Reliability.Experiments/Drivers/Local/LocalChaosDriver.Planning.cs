using System.Globalization;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Drivers.Local;

public sealed partial class LocalChaosDriver
{
    private PlannedFault PlanPod(PodFault fault, LocalTopology topology)
    {
        var pods = Choose(fault, fault.Targeting, fault.Path, topology);
        var (effect, refusal) = PodEffect(fault, pods);
        if (refusal is not null)
        {
            throw new ManifestException(fault.Source.Problem($"{fault.Path}.selector", refusal));
        }
        return new PlannedFault(fault, [.. pods.Select(p => p.Name)], [], effect!);
    }

    private PlannedFault PlanNetwork(NetworkFault fault, LocalTopology topology)
    {
        var selected = Choose(fault, fault.Targeting, fault.Path, topology).Select(p => p.Name).ToHashSet();
        var targets = fault.Target is { } target ? Choose(fault, target, $"{fault.Path}.target", topology).Select(p => p.Name).ToHashSet() : null;
        var plans = new List<(LinkLayout, LinkFaults)>();
        foreach (var link in _layout)
        {
            var forward = selected.Contains(link.From) && (targets is null || targets.Contains(link.To));
            var reverse = selected.Contains(link.To) && (targets is null || targets.Contains(link.From));
            if (!forward && !reverse)
            {
                continue;
            }
            // Requests flow From -> To (upstream). "to" is traffic leaving the selected pods.
            var direction = (forward, reverse, fault.Direction) switch
            {
                (true, true, _) or (_, _, "both") => LinkDirection.Both,
                (true, false, "to") or (false, true, "from") => LinkDirection.Upstream,
                _ => LinkDirection.Downstream,
            };
            plans.Add((link, Faults(fault, direction)));
        }
        if (plans.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{fault.Path}.target",
                $"no network path joins the selected pods ({string.Join(", ", selected)}) to {(targets is null ? "anything" : string.Join(", ", targets))}"));
        }
        _linkPlans[fault] = [.. plans.Select(p => (p.Item1.Name, p.Item2))];
        return new PlannedFault(fault, [.. selected.Order()], [.. plans.Select(p => $"{p.Item1.Name} ({Describe(p.Item2)})")], Effect(fault));
    }

    private List<ChaosPod> Choose(FaultNode fault, Targeting targeting, string path, LocalTopology topology)
    {
        var candidates = topology.Pods.Where(targeting.Selector.Matches).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{path}.selector",
                $"selector [{targeting.Selector}] matches no pod; the embedded environment has {string.Join(", ", topology.Pods.Select(p => p.ToString()).Order())}"));
        }
        var picked = targeting.Mode.Pick(candidates, _random);
        if (picked.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{path}.mode",
                $"mode {targeting.Mode} picks none of the {candidates.Count} matching pod(s)"));
        }
        return [.. picked.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    private static LinkFaults Faults(NetworkFault fault, LinkDirection direction) => fault.Action switch
    {
        "delay" => new LinkFaults { Latency = fault.Latency, Jitter = fault.Jitter, Correlation = fault.Correlation, LatencyDirection = direction },
        // A proxy sees a byte stream, not packets: loss becomes retransmission delay on the link, both ways.
        "loss" => new LinkFaults { LossPercent = fault.LossPercent },
        _ => new LinkFaults { Blackhole = direction },
    };

    private static string Effect(NetworkFault fault) => fault.Action switch
    {
        "delay" => $"delay {GoDuration.Format(fault.Latency)} ± {GoDuration.Format(fault.Jitter)} (correlation {fault.Correlation.ToString(CultureInfo.InvariantCulture)} %), direction {fault.Direction}",
        "loss" => $"loss {fault.LossPercent.ToString(CultureInfo.InvariantCulture)} % (as TCP retransmission delay, both ways)",
        _ => $"partition, direction {fault.Direction}",
    };

    private static string Describe(LinkFaults faults) =>
        faults.Blackhole is { } b ? $"blackhole {b.ToString().ToLowerInvariant()}"
        : faults.Latency > TimeSpan.Zero ? $"+{GoDuration.Format(faults.Latency)} {faults.LatencyDirection.ToString().ToLowerInvariant()}"
        : $"loss {faults.LossPercent.ToString(CultureInfo.InvariantCulture)} %";
}
