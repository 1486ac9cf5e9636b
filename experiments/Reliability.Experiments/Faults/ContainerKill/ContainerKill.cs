using Reliability.Evidence.Journal;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Faults.Pods;

namespace Reliability.Experiments.Faults.ContainerKill;

/// <summary>
/// PodChaos container-kill: named containers die and the kubelet restarts them in place. Locally a SUT
/// replica's one container is the replica itself; on a Patroni member, containerNames [postgres] kills
/// only the postmaster, which Patroni restarts.
/// </summary>
internal sealed class ContainerKill : PodFaultKind
{
    public override FaultAction Action => FaultAction.ContainerKill;
    public override string ChaosAction => "container-kill";
    public override bool Instant => true;

    protected override bool Accepts(IReadOnlyList<string> containerNames, FaultSpec spec)
    {
        if (containerNames.Count > 0)
        {
            return true;
        }
        spec.Fail($"{spec.Path}.containerNames", "container-kill needs containerNames");
        return false;
    }

    protected override (string? Effect, string? Refusal) LocalEffect(LocalPodType type, PodFault fault) => type switch
    {
        LocalPodType.Sut => ("SIGKILL (container-kill), the supervisor restarts it", null),
        LocalPodType.DatabaseMember when fault.ContainerNames is ["postgres"] => ("SIGKILL to the postmaster only; Patroni restarts it in place", null),
        LocalPodType.DatabaseMember => (null, $"container-kill of a database member takes containerNames [postgres] (the postmaster), not [{string.Join(", ", fault.ContainerNames)}]"),
        _ => (null, null),
    };

    public override Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until)
    {
        foreach (var pod in planned.Pods)
        {
            local.KillContainer(pod, fault.Name);
        }
        journal.Write(LocalFaultContext.Injected(planned));
        return Task.CompletedTask;
    }
}
