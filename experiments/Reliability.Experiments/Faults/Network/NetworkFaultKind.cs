using System.Globalization;
using System.Text.Json.Nodes;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Drivers.Local;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Faults.Network;

/// <summary>
/// What the NetworkChaos actions share: the selected pods and an optional target set, the direction, and,
/// locally, the links between them: every link joining a selected pod to a target carries the action's
/// <see cref="LinkFaults"/> for the fault's duration. Each action reads its own parameters and says what
/// it does to a link.
/// </summary>
internal abstract class NetworkFaultKind : IFaultKind
{
    private static readonly HashSet<string> Fields = ["action", "mode", "value", "selector", "duration", "direction", "target", "delay", "loss"];

    public abstract FaultAction Action { get; }
    public string ChaosKind => "NetworkChaos";
    public abstract string ChaosAction { get; }
    public bool Instant => false;

    /// <summary>The action's own parameters (latency, jitter, correlation, loss); null after reporting a problem.</summary>
    protected abstract (TimeSpan Latency, TimeSpan Jitter, double Correlation, double Loss)? ReadParameters(FaultSpec spec);

    /// <summary>What the action does to one link, in the given direction of its requests.</summary>
    protected abstract LinkFaults OnLink(NetworkFault fault, LinkDirection direction);

    /// <summary>The plan's text for the action.</summary>
    protected abstract string Effect(NetworkFault fault);

    public LeafFault? Read(FaultSpec spec)
    {
        spec.OnlyFields(spec.Body, spec.Path, Fields);
        var targeting = spec.Targeting(spec.Body, spec.Path);
        Targeting? target = null;
        if (spec.Body["target"] is JsonObject targetSpec)
        {
            spec.OnlyFields(targetSpec, $"{spec.Path}.target", new HashSet<string> { "mode", "value", "selector" });
            target = spec.Targeting(targetSpec, $"{spec.Path}.target");
        }
        var direction = FaultSpec.Text(spec.Body, "direction") ?? "to";
        if (direction is not ("to" or "from" or "both"))
        {
            spec.Fail($"{spec.Path}.direction", $"direction '{direction}' is not one of to, from, both");
        }
        else if (direction != "to" && target is null)
        {
            spec.Fail($"{spec.Path}.direction", $"direction '{direction}' needs a target (without one only 'to' is meaningful)");
        }
        if (ReadParameters(spec) is not var (latency, jitter, correlation, loss))
        {
            return null;
        }
        var duration = spec.Lasts();
        return targeting is null ? null
            : new NetworkFault(spec.Document, spec.Path, spec.Name, duration, this, targeting, target, direction, latency, jitter, correlation, loss);
    }

    public PlannedFault PlanLocal(LeafFault leaf, LocalFaultContext local)
    {
        var fault = (NetworkFault)leaf;
        var selected = local.Choose(fault, fault.Targeting, fault.Path).Select(p => p.Name).ToHashSet();
        var targets = fault.Target is { } target ? local.Choose(fault, target, $"{fault.Path}.target").Select(p => p.Name).ToHashSet() : null;
        var plans = new List<(LinkLayout Link, LinkFaults Faults)>();
        foreach (var link in local.Layout)
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
            plans.Add((link, OnLink(fault, direction)));
        }
        if (plans.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{fault.Path}.target",
                $"no network path joins the selected pods ({string.Join(", ", selected)}) to {(targets is null ? "anything" : string.Join(", ", targets))}"));
        }
        local.PlanLinks(fault, [.. plans.Select(p => (p.Link.Name, p.Faults))]);
        return new PlannedFault(fault, [.. selected.Order()], [.. plans.Select(p => $"{p.Link.Name} ({Describe(p.Faults)})")], Effect(fault));
    }

    public async Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until)
    {
        var links = local.PlannedLinks(fault);
        try
        {
            foreach (var (link, faults) in links)
            {
                local.Disturb(link, fault, faults, journal);
            }
            journal.Write(LocalFaultContext.Injected(planned));
            await local.HoldAsync(until);
        }
        finally
        {
            foreach (var (link, _) in links)
            {
                local.Restore(link, fault, journal);
            }
            journal.Write(new FaultRecovered(fault.Name, fault.Action, Links: planned.Links));
        }
    }

    public async Task<PlannedFault> PlanKubernetesAsync(LeafFault leaf, ClusterSelection cluster, CancellationToken ct)
    {
        var fault = (NetworkFault)leaf;
        var pods = await cluster.ResolveAsync(fault, fault.Targeting, fault.Path, ct);
        var targets = fault.Target is { } target ? await cluster.ResolveAsync(fault, target, $"{fault.Path}.target", ct) : [];
        var effect = $"{ChaosAction} by Chaos Mesh, direction {fault.Direction}, mode {fault.Targeting.Mode}";
        return new PlannedFault(fault, pods, targets.Count == 0 ? [] : [$"to {string.Join(", ", targets)} (target mode {fault.Target!.Mode})"], effect);
    }

    /// <summary>A link's faults in a word, for plans and the journal.</summary>
    public static string Describe(LinkFaults faults) =>
        faults.Blackhole is { } b ? $"blackhole {b.ToString().ToLowerInvariant()}"
        : faults.Latency > TimeSpan.Zero ? $"+{GoDuration.Format(faults.Latency)} {faults.LatencyDirection.ToString().ToLowerInvariant()}"
        : faults.LossPercent > 0 ? $"loss {faults.LossPercent.ToString(CultureInfo.InvariantCulture)} %"
        : "none";
}
