using Reliability.Evidence.Journal;
using Reliability.Evidence.Specs;
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

    /// <summary>What each step of the runbook will do on this target, in order, against the planned faults (the dry run prints it).</summary>
    IReadOnlyList<string> PlanRunbook(IReadOnlyList<RunbookStep> runbook, FaultPlan plan) => [.. runbook.Select(s => s.ToString()!)];

    /// <summary>
    /// Carries out one runbook step other than wait (the runner waits), journalling what it finds (a restore
    /// point); gives what it did. <paramref name="faultAt"/> is when the fault went in, for a restore to a time before it.
    /// </summary>
    Task<string> RunStepAsync(RunbookStep step, DateTimeOffset faultAt, ExperimentJournal journal, CancellationToken ct) =>
        throw new NotSupportedException($"the {Name} driver carries out no runbook step ({step.Action})");
}

/// <summary>A planned leaf fault: the pods it hits and, for network faults, the paths it affects.</summary>
internal sealed record PlannedFault(FaultNode Fault, IReadOnlyList<string> Pods, IReadOnlyList<string> Links, string Effect);

internal sealed record FaultPlan(string Driver, IReadOnlyList<FaultNode> Roots, IReadOnlyList<PlannedFault> Leaves)
{
    /// <summary>The runbook's steps as this driver will carry them out (empty: none).</summary>
    public IReadOnlyList<string> Runbook { get; init; } = [];

    /// <summary>Plans the faults, then the runbook against them: what the dry run prints and the run journals.</summary>
    public static async Task<FaultPlan> OfAsync(IChaosDriver driver, IReadOnlyList<FaultNode> faults, IReadOnlyList<RunbookStep> runbook, CancellationToken ct)
    {
        var plan = await driver.PlanAsync(faults, ct);
        return runbook.Count == 0 ? plan : plan with { Runbook = driver.PlanRunbook(runbook, plan) };
    }

    public PlannedFault For(FaultNode leaf) => Leaves.Single(l => ReferenceEquals(l.Fault, leaf));

    /// <summary>The dry-run text: every leaf with its selection, effect, duration and targets.</summary>
    public string Describe()
    {
        var lines = new List<string> { $"driver: {Driver}" };
        foreach (var root in Roots)
        {
            Describe(root, 0, lines);
        }
        if (Runbook.Count > 0)
        {
            lines.Add("runbook:");
            lines.AddRange(Runbook.Select((step, i) => $"  {i + 1}. {step}"));
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
