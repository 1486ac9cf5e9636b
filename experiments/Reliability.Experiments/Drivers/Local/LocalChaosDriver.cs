using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.Observers;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// Interprets Chaos Mesh faults on the embedded environment: pod-kill and container-kill are a SIGKILL
/// the supervisor answers with a restart, pod-failure holds the replica down, NetworkChaos acts on the
/// links between pods. Random choices come from a seeded source, so a plan can be replayed.
/// </summary>
public sealed partial class LocalChaosDriver : IChaosDriver
{
    private readonly LocalEnvironment? _environment;
    private readonly IReadOnlyList<LinkLayout> _layout;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly LinkFaultStack _links = new();
    private readonly HashSet<string> _heldDown = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<FaultNode, IReadOnlyList<(string Link, LinkFaults Faults)>> _linkPlans = new(ReferenceEqualityComparer.Instance);

    public LocalChaosDriver(LocalEnvironment environment, int seed, TimeProvider? time = null)
        : this(environment, [.. environment.Links.Select(l => new LinkLayout(l.Name, l.From, l.FromLabels, l.To, l.ToLabels))], seed, time)
    {
    }

    private LocalChaosDriver(LocalEnvironment? environment, IReadOnlyList<LinkLayout> layout, int seed, TimeProvider? time)
    {
        _environment = environment;
        _layout = layout;
        _random = new Random(seed);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A driver that only plans, against the environment these options would start: --dry-run touches nothing.</summary>
    public static LocalChaosDriver ForPlanning(EnvironmentOptions options, int seed) =>
        new(null, LocalEnvironment.PlannedLinks(options), seed, null);

    public string Name => "local";

    private LocalEnvironment Environment => _environment ?? throw new InvalidOperationException("this driver only plans (dry run); it has no environment to act on");

    public Task<FaultPlan> PlanAsync(IReadOnlyList<FaultNode> faults, CancellationToken ct)
    {
        var topology = new LocalTopology(_layout);
        var problems = new List<ManifestProblem>();
        var leaves = new List<PlannedFault>();
        foreach (var leaf in faults.SelectMany(f => f.Leaves()))
        {
            try
            {
                leaves.Add(leaf switch
                {
                    PodFault pod => PlanPod(pod, topology),
                    NetworkFault network => PlanNetwork(network, topology),
                    _ => new PlannedFault(leaf, [], [], "wait"),
                });
            }
            catch (ManifestException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        if (problems.Count > 0)
        {
            throw new ManifestException(problems);
        }
        return Task.FromResult(new FaultPlan(Name, faults, leaves));
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

    public async Task RecoverAllAsync(ExperimentJournal journal)
    {
        if (_environment is not { } environment)
        {
            return;
        }
        string[] held;
        lock (_gate)
        {
            held = [.. _heldDown];
            _heldDown.Clear();
        }
        foreach (var pod in held)
        {
            await ReleaseAsync(pod);
            journal.Write(new FaultRecovered("(rollback)", "release", Pods: [pod]));
        }
        _links.Clear();
        environment.ClearAllFaults();
    }

    public IReadOnlyList<IRunObserver> Observers(TimeProvider time) => [new LocalObserver(Environment, time)];

    private async Task RunNodeAsync(FaultNode node, FaultPlan plan, ExperimentJournal journal, CancellationToken window)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(window);
        if (node.Deadline is { } d)
        {
            deadline.CancelAfter(d);
        }
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
                await HoldAsync(deadline.Token);
                return;
            case PodFault { Action: "pod-kill" or "container-kill" } kill:
                foreach (var pod in plan.For(kill).Pods)
                {
                    Kill(pod, kill);
                }
                journal.Write(Injection(plan.For(kill)));
                return;
            case PodFault failure:
                await HoldDownAsync(failure, plan.For(failure), journal, deadline.Token);
                return;
            case NetworkFault network:
                await DisturbLinksAsync(network, plan.For(network), journal, deadline.Token);
                return;
        }
    }

    private async Task HoldDownAsync(PodFault fault, PlannedFault planned, ExperimentJournal journal, CancellationToken until)
    {
        try
        {
            foreach (var pod in planned.Pods)
            {
                lock (_gate)
                {
                    _heldDown.Add(pod);
                }
                HoldDown(pod, fault);
            }
            journal.Write(Injection(planned));
            await HoldAsync(until);
        }
        finally
        {
            foreach (var pod in planned.Pods)
            {
                lock (_gate)
                {
                    _heldDown.Remove(pod);
                }
                await ReleaseAsync(pod);
            }
            journal.Write(new FaultRecovered(fault.Name, fault.Action, Pods: planned.Pods));
        }
    }

    private async Task DisturbLinksAsync(NetworkFault fault, PlannedFault planned, ExperimentJournal journal, CancellationToken until)
    {
        var links = _linkPlans[fault].Select(p => (Link: Environment.Links.Single(l => l.Name == p.Link), p.Faults)).ToList();
        try
        {
            foreach (var (link, faults) in links)
            {
                _links.Push(link.Proxy, fault, faults);
            }
            journal.Write(Injection(planned));
            await HoldAsync(until);
        }
        finally
        {
            foreach (var (link, _) in links)
            {
                _links.Pop(link.Proxy, fault);
            }
            journal.Write(new FaultRecovered(fault.Name, fault.Action, Links: planned.Links));
        }
    }

    private async Task HoldAsync(CancellationToken until)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, until);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static FaultInjected Injection(PlannedFault planned) => new(planned.Fault.Name, planned.Fault.Source.Kind,
        planned.Fault switch { PodFault p => p.Action, NetworkFault n => n.Action, _ => "wait" }, planned.Effect, planned.Pods, planned.Links, planned.Fault.Source.File);
}
