using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Faults.Network;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Links;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// What a fault kind acts through on the embedded environment: the pods it can pick (from a seeded random
/// source, so a plan can be replayed), the links between them, and the operations on pods by what they
/// are: a SUT replica goes to the supervisor; a Patroni or etcd member to the cluster, where a kill is a
/// node loss (its processes killed together, back after the cluster's restart delay). It remembers what
/// is held down and which links carry which fault, so that everything can be undone at once.
/// </summary>
internal sealed class LocalFaultContext
{
    private readonly LocalEnvironment? _environment;
    private readonly LocalTopology _topology;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly LinkFaultStack _links = new();
    private readonly HashSet<string> _heldDown = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<FaultNode, IReadOnlyList<(string Link, LinkFaults Faults)>> _linkPlans = new(ReferenceEqualityComparer.Instance);
    private Task? _singleDatabaseStop;
    private Reliability.Sut.Local.Database.Backups.DisasterRecovery? _recovery;

    internal LocalFaultContext(LocalEnvironment? environment, IReadOnlyList<LinkLayout> layout, int seed, TimeProvider time)
    {
        _environment = environment;
        Layout = layout;
        _topology = new LocalTopology(layout);
        _random = new Random(seed);
        _time = time;
    }

    /// <summary>Every link of the environment, with the pods and labels at both ends.</summary>
    public IReadOnlyList<LinkLayout> Layout { get; }

    private LocalEnvironment Environment => _environment ?? throw new InvalidOperationException("this driver only plans (dry run); it has no environment to act on");

    /// <summary>How the Patroni cluster is lost whole and restored from its backups (a disaster and its runbook).</summary>
    public Reliability.Sut.Local.Database.Backups.DisasterRecovery Recovery => _recovery ??= new(
        Environment.Patroni is { Backups: not null } cluster ? cluster : throw new InvalidOperationException("a disaster and its restore need the Patroni cluster with backups (environment.backups)"), _time);

    /// <summary>The pods <paramref name="targeting"/> picks; a selector or mode that picks none is a problem at its place.</summary>
    public List<ChaosPod> Choose(FaultNode fault, Targeting targeting, string path)
    {
        var candidates = _topology.Pods.Where(targeting.Selector.Matches).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{path}.selector",
                $"selector [{targeting.Selector}] matches no pod; the embedded environment has {string.Join(", ", _topology.Pods.Select(p => p.ToString()).Order())}"));
        }
        var picked = targeting.Mode.Pick(candidates, _random);
        if (picked.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{path}.mode",
                $"mode {targeting.Mode} picks none of the {candidates.Count} matching pod(s)"));
        }
        return [.. picked.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>The journal's record of a planned leaf put in effect.</summary>
    public static FaultInjected Injected(PlannedFault planned) => new(planned.Fault.Name, planned.Fault.Source.Kind,
        planned.Fault is LeafFault leaf ? leaf.Action : "wait", planned.Effect, planned.Pods, planned.Links, planned.Fault.Source.File);

    /// <summary>Holds until the fault's deadline or the end of its window.</summary>
    public async Task HoldAsync(CancellationToken until)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, until);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The pod is lost at once: a replica is SIGKILLed (its supervisor restarts it), a database or etcd member loses its node.</summary>
    public void KillNode(string pod, string fault)
    {
        var cluster = Environment.Patroni;
        if (cluster?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            cluster.KillNode(member);
            LoseNetworkState(pod);
        }
        else if (cluster?.EtcdMembers.SingleOrDefault(e => e.Name == pod) is { } etcd)
        {
            cluster.KillEtcd(etcd);
            LoseNetworkState(pod);
        }
        else
        {
            Environment.Supervisor.Kill(pod, $"chaos {fault}");
        }
    }

    /// <summary>The pod's main container dies: a replica is SIGKILLed; on a database member, only the postmaster (Patroni restarts it).</summary>
    public void KillContainer(string pod, string fault)
    {
        if (Environment.Patroni?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            Environment.Patroni.KillPostgres(member);
        }
        else
        {
            Environment.Supervisor.Kill(pod, $"chaos {fault}");
        }
    }

    public void HoldDown(string pod, string fault)
    {
        lock (_gate)
        {
            _heldDown.Add(pod);
        }
        if (Environment.Patroni?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            Environment.Patroni.HoldDown(member);
            LoseNetworkState(pod);
        }
        else if (Environment.Patroni?.EtcdMembers.SingleOrDefault(e => e.Name == pod) is { } etcd)
        {
            Environment.Patroni.HoldDownEtcd(etcd);
            LoseNetworkState(pod);
        }
        else if (Environment.Postgres is { } single && pod == "postgres-0")
        {
            _singleDatabaseStop = single.StopAsync();
        }
        else
        {
            Environment.Supervisor.HoldDown(pod, $"chaos {fault}");
        }
    }

    public async Task ReleaseAsync(string pod)
    {
        lock (_gate)
        {
            _heldDown.Remove(pod);
        }
        if (Environment.Patroni?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            await Environment.Patroni.ReleaseAsync(member);
        }
        else if (Environment.Patroni?.EtcdMembers.SingleOrDefault(e => e.Name == pod) is { } etcd)
        {
            await Environment.Patroni.ReleaseEtcdAsync(etcd);
        }
        else if (Environment.Postgres is { } single && pod == "postgres-0")
        {
            if (Interlocked.Exchange(ref _singleDatabaseStop, null) is { } stopping)
            {
                await stopping;
                await single.RestartAsync();
            }
        }
        else
        {
            Environment.Supervisor.Release(pod);
        }
    }

    /// <summary>Releases a held-down pod; a pod that cannot be started again is journalled, and the caller goes on with the others.</summary>
    public async Task<bool> ReleaseOrReportAsync(string pod, string fault, ExperimentJournal journal)
    {
        try
        {
            await ReleaseAsync(pod);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stopping the environment at the end of the run takes it down anyway.
            journal.Write(new RollbackFailed(fault, LocalTopology.Namespace, "pod", $"{pod} could not be started again: {ex.Message}",
                "nothing to do by hand: the embedded environment is stopped at the end of the run"));
            return false;
        }
    }

    /// <summary>Planning remembers which links a network fault will disturb, and how.</summary>
    internal void PlanLinks(FaultNode fault, IReadOnlyList<(string Link, LinkFaults Faults)> links) => _linkPlans[fault] = links;

    internal IReadOnlyList<(EnvironmentLink Link, LinkFaults Faults)> PlannedLinks(FaultNode fault) =>
        [.. _linkPlans[fault].Select(p => (Environment.Links.Single(l => l.Name == p.Link), p.Faults))];

    /// <summary>Adds a fault's effect to a link (several faults can share one), journalling what the link now does.</summary>
    public void Disturb(EnvironmentLink link, FaultNode fault, LinkFaults faults, ExperimentJournal journal) =>
        journal.Write(new LinkChanged(link.Name, NetworkFaultKind.Describe(_links.Push(link.Proxy, fault, faults))));

    public void Restore(EnvironmentLink link, FaultNode fault, ExperimentJournal journal) =>
        journal.Write(new LinkChanged(link.Name, NetworkFaultKind.Describe(_links.Pop(link.Proxy, fault))));

    /// <summary>The last line of defence: releases whatever is still held down and clears every link. Idempotent.</summary>
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
        }
        foreach (var pod in held)
        {
            if (await ReleaseOrReportAsync(pod, "(rollback)", journal))
            {
                journal.Write(new FaultRecovered("(rollback)", "release", Pods: [pod]));
            }
        }
        _links.Clear();
        environment.ClearAllFaults();
    }

    /// <summary>
    /// A lost node takes its network state with it: bytes it had sent that a delay still holds (on
    /// Kubernetes, in its own netem queue) never arrive, and its peers see their connections reset.
    /// </summary>
    private void LoseNetworkState(string pod)
    {
        foreach (var link in Environment.Links.Where(l => l.From == pod || l.To == pod))
        {
            link.Proxy.ResetConnections();
        }
    }
}
