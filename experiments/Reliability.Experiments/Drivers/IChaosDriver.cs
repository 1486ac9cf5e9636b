using Reliability.Evidence.Journal;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Observers;

namespace Reliability.Experiments.Drivers;

/// <summary>
/// Applies Chaos Mesh faults to a target: the embedded environment or a Kubernetes cluster. Planning
/// resolves every selector first, so a selector matching nothing stops the run before any load or fault.
/// </summary>
internal interface IChaosDriver
{
    /// <summary>"local" or "kubernetes".</summary>
    string Name { get; }

    /// <summary>What would be injected where. Throws <see cref="ChaosMesh.ManifestException"/> when a fault cannot be applied.</summary>
    Task<FaultPlan> PlanAsync(IReadOnlyList<FaultNode> faults, CancellationToken ct);

    /// <summary>
    /// Injects the plan, keeps each fault for its deadline or until <paramref name="window"/> ends, and
    /// recovers every fault before returning, also when the window is cancelled early or the run is aborted.
    /// </summary>
    Task RunAsync(FaultPlan plan, ExperimentJournal journal, CancellationToken window);

    /// <summary>The last line of defence: undo whatever this driver may still have in place. Idempotent.</summary>
    Task RecoverAllAsync(ExperimentJournal journal);

    /// <summary>What watches the target during a run (restarts, readiness, the database's leader), for the journal.</summary>
    IReadOnlyList<IRunObserver> Observers(TimeProvider time);
}

/// <summary>A planned leaf fault: the pods it hits and, for network faults, the paths it affects.</summary>
internal sealed record PlannedFault(FaultNode Fault, IReadOnlyList<string> Pods, IReadOnlyList<string> Links, string Effect);

internal sealed record FaultPlan(string Driver, IReadOnlyList<FaultNode> Roots, IReadOnlyList<PlannedFault> Leaves)
{
    public PlannedFault For(FaultNode leaf) => Leaves.Single(l => ReferenceEquals(l.Fault, leaf));

    /// <summary>The dry-run text: every leaf with its selection, effect, duration and targets.</summary>
    public string Describe()
    {
        var lines = new List<string> { $"driver: {Driver}" };
        foreach (var root in Roots)
        {
            Describe(root, 0, lines);
        }
        return string.Join(Environment.NewLine, lines);
    }

    private void Describe(FaultNode node, int depth, List<string> lines)
    {
        var pad = new string(' ', depth * 2);
        var lasts = node is LeafFault { Kind.Instant: true } ? "instant"
            : node.Deadline is { } d ? $"for {GoDuration.Format(d)}" : "until recovery";
        switch (node)
        {
            case FaultGroup group:
                lines.Add($"{pad}- {node.Name}: {(group.Parallel ? "in parallel" : "in series")}, {lasts} ({node.Source.File})");
                foreach (var child in group.Children)
                {
                    Describe(child, depth + 1, lines);
                }
                break;
            case SuspendFault:
                lines.Add($"{pad}- {node.Name}: wait, {lasts}");
                break;
            default:
                var leaf = For(node);
                lines.Add($"{pad}- {node.Name}: {leaf.Effect}, {lasts} ({node.Source.File})");
                if (leaf.Pods.Count > 0)
                {
                    lines.Add($"{pad}    pods: {string.Join(", ", leaf.Pods)}");
                }
                if (leaf.Links.Count > 0)
                {
                    lines.Add($"{pad}    links: {string.Join(", ", leaf.Links)}");
                }
                break;
        }
    }
}
