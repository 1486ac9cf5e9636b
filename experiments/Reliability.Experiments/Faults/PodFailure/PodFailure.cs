using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Faults.Pods;

namespace Reliability.Experiments.Faults.PodFailure;

/// <summary>
/// PodChaos pod-failure: the pod stays unavailable for the fault's duration, then comes back. Locally the
/// replica, database member, etcd member or single database is held down and started again on recovery.
/// </summary>
internal sealed class PodFailure : PodFaultKind
{
    public override FaultAction Action => FaultAction.PodFailure;
    public override string ChaosAction => "pod-failure";
    public override bool Instant => false;

    protected override (string? Effect, string? Refusal) LocalEffect(LocalPodType type, PodFault fault) => type switch
    {
        LocalPodType.Sut => ("hold down (pod-failure)", null),
        LocalPodType.DatabaseMember => ("hold down: Patroni and PostgreSQL stopped until the fault ends (pod-failure)", null),
        LocalPodType.Etcd => ("etcd held down until the fault ends (pod-failure)", null),
        LocalPodType.SingleDatabase => ("PostgreSQL shut down until the fault ends (pod-failure), then started on its data", null),
        _ => (null, null),
    };

    public override async Task RunLocalAsync(LeafFault fault, PlannedFault planned, LocalFaultContext local, ExperimentJournal journal, CancellationToken until)
    {
        try
        {
            foreach (var pod in planned.Pods)
            {
                local.HoldDown(pod, fault.Name);
            }
            journal.Write(LocalFaultContext.Injected(planned));
            await local.HoldAsync(until);
        }
        finally
        {
            foreach (var pod in planned.Pods)
            {
                await local.ReleaseOrReportAsync(pod, fault.Name, journal);
            }
            journal.Write(new FaultRecovered(fault.Name, fault.Action, Pods: planned.Pods));
        }
    }
}
