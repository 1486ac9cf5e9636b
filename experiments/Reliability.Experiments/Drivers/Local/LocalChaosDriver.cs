using Reliability.Evidence.Journal;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Observers;
using Reliability.Experiments.Running;
using Reliability.Sut.Local.Embedded;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// Runs Chaos Mesh faults on the embedded environment: each leaf by its fault kind (through
/// <see cref="LocalFaultContext"/>), Workflow groups in series or in parallel under their deadlines.
/// Random choices come from a seeded source, so a plan can be replayed.
/// </summary>
internal sealed class LocalChaosDriver : IChaosDriver
{
    private readonly LocalEnvironment? _environment;
    private readonly LocalFaultContext _local;
    private readonly TimeProvider _time;

    public LocalChaosDriver(LocalEnvironment environment, int seed, TimeProvider time)
        : this(environment, [.. environment.Links.Select(l => new LinkLayout(l.Name, l.From, l.FromLabels, l.To, l.ToLabels))], seed, time)
    {
    }

    private LocalChaosDriver(LocalEnvironment? environment, IReadOnlyList<LinkLayout> layout, int seed, TimeProvider time)
    {
        _environment = environment;
        _time = time;
        _local = new LocalFaultContext(environment, layout, seed, time);
    }

    /// <summary>A driver that only plans, against the environment these options would start: --dry-run touches nothing.</summary>
    public static LocalChaosDriver ForPlanning(EnvironmentOptions options, int seed) =>
        new(null, LocalEnvironment.PlannedLinks(options), seed, TimeProvider.System);

    public string Name => "local";

    public Task<FaultPlan> PlanAsync(IReadOnlyList<FaultNode> faults, CancellationToken ct)
    {
        var problems = new List<ManifestProblem>();
        var leaves = new List<PlannedFault>();
        foreach (var leaf in faults.SelectMany(f => f.Leaves()))
        {
            try
            {
                leaves.Add(leaf is LeafFault fault ? fault.Kind.PlanLocal(fault, _local) : new PlannedFault(leaf, [], [], "wait"));
            }
            catch (ManifestException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        return problems.Count > 0 ? throw new ManifestException(problems) : Task.FromResult(new FaultPlan(Name, faults, leaves));
    }

    public async Task RunAsync(FaultPlan plan, ExperimentJournal journal, CancellationToken window)
    {
        try
        {
            await Task.WhenAll(plan.Roots.Select(root => RunNodeAsync(root, plan, journal, window)));
        }
        finally
        {
            await RecoverAllAsync(journal);
        }
    }

    public Task RecoverAllAsync(ExperimentJournal journal) => _local.RecoverAllAsync(journal);

    public IReadOnlyList<string> PlanRunbook(IReadOnlyList<Reliability.Evidence.Specs.RunbookStep> runbook, FaultPlan plan) => [.. runbook.Select(LocalRunbook.Plan)];

    public Task<string> RunStepAsync(Reliability.Evidence.Specs.RunbookStep step, DateTimeOffset faultAt, ExperimentJournal journal, CancellationToken ct) =>
        LocalRunbook.RunAsync(_local.Recovery, step, faultAt, journal, ct);

    public IReadOnlyList<IRunObserver> Observers(TimeProvider time) =>
        [new LocalObserver(_environment ?? throw new InvalidOperationException("this driver only plans (dry run); it has no environment to observe"), time)];

    private async Task RunNodeAsync(FaultNode node, FaultPlan plan, ExperimentJournal journal, CancellationToken window)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(window);
        using var deadlineTimer = node.Deadline is { } d ? _time.CancelAfter(deadline, d) : null;
        switch (node)
        {
            case FaultGroup { Parallel: true } group:
                await Task.WhenAll(group.Children.Select(c => RunNodeAsync(c, plan, journal, deadline.Token)));
                return;
            case FaultGroup group:
                foreach (var child in group.Children)
                {
                    if (deadline.IsCancellationRequested)
                    {
                        break;
                    }
                    await RunNodeAsync(child, plan, journal, deadline.Token);
                }
                return;
            case SuspendFault:
                await _local.HoldAsync(deadline.Token);
                return;
            case LeafFault leaf:
                await leaf.Kind.RunLocalAsync(leaf, plan.For(leaf), _local, journal, deadline.Token);
                return;
        }
    }
}
