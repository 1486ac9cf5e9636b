using Reliability.Evidence.Journal;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Faults.Pods;

namespace Reliability.Experiments.Faults.PodKill;

/// <summary>
/// PodChaos pod-kill: the pod is gone at once. Locally a SUT replica is SIGKILLed and its supervisor
/// restarts it; a Patroni or etcd member is a node loss (its processes killed, its connections reset),
/// back after the cluster's restart delay.
/// </summary>
internal sealed class PodKill : PodFaultKind
{
    public override FaultAction Action => FaultAction.PodKill;
    public override string ChaosAction => "pod-kill";
    public override bool Instant => true;

    protected override (string? Effect, string? Refusal) LocalEffect(LocalPodType type, PodFault fault) => type switch
    {
        LocalPodType.Sut => ("SIGKILL (pod-kill), the supervisor restarts it", null),
        LocalPodType.DatabaseMember => ("node loss: SIGKILL to Patroni and its postmaster; the member comes back after the restart delay", null),
        LocalPodType.Etcd => ("SIGKILL to etcd; it is restarted with its data after the restart delay", null),
        _ => (null, null),
    };

    public override Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until)
    {
        foreach (var pod in planned.Pods)
        {
            local.KillNode(pod, fault.Name);
        }
        journal.Write(LocalFaultContext.Injected(planned));
        return Task.CompletedTask;
    }
}
