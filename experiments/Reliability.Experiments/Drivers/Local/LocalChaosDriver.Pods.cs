using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Sut.Local.Database;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// Pod faults by what the pod is: a SUT replica goes to the supervisor; a Patroni member or an etcd member
/// to the cluster, where pod-kill is a node loss (Patroni and its postmaster killed together, the member
/// back after the cluster's restart delay) and container-kill of "postgres" kills only the postmaster.
/// </summary>
public sealed partial class LocalChaosDriver
{
    private void Kill(string pod, PodFault fault)
    {
        var cluster = Environment.Patroni;
        if (cluster?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            if (fault.Action == "container-kill")
            {
                cluster.KillPostgres(member);
            }
            else
            {
                cluster.KillNode(member);
            }
        }
        else if (cluster?.EtcdMembers.SingleOrDefault(e => e.Name == pod) is { } etcd)
        {
            cluster.KillEtcd(etcd);
        }
        else
        {
            Environment.Supervisor.Kill(pod, $"chaos {fault.Name}");
        }
    }

    private void HoldDown(string pod, PodFault fault)
    {
        if (Environment.Patroni?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            Environment.Patroni.HoldDown(member);
        }
        else
        {
            Environment.Supervisor.HoldDown(pod, $"chaos {fault.Name}");
        }
    }

    private async Task ReleaseAsync(string pod)
    {
        if (Environment.Patroni?.Members.SingleOrDefault(m => m.Name == pod) is { } member)
        {
            await Environment.Patroni.ReleaseAsync(member);
        }
        else
        {
            Environment.Supervisor.Release(pod);
        }
    }

    /// <summary>What a pod fault does to these pods, or why the local driver cannot do it.</summary>
    private static (string? Effect, string? Refusal) PodEffect(PodFault fault, IReadOnlyList<ChaosPod> pods)
    {
        var apps = pods.Select(p => p.Labels.GetValueOrDefault("app")).Distinct().ToList();
        if (apps is ["sut"])
        {
            return (fault.Action == "pod-failure" ? "hold down (pod-failure)" : $"SIGKILL ({fault.Action}), the supervisor restarts it", null);
        }
        var members = pods.All(p => p.Labels.GetValueOrDefault("app") == "postgres" && p.Labels.ContainsKey("role"));
        if (members)
        {
            return fault.Action switch
            {
                "pod-kill" => ("node loss: SIGKILL to Patroni and its postmaster; the member comes back after the restart delay", null),
                "container-kill" when fault.ContainerNames is ["postgres"] => ("SIGKILL to the postmaster only; Patroni restarts it in place", null),
                "container-kill" => (null, $"container-kill of a database member takes containerNames [postgres] (the postmaster), not [{string.Join(", ", fault.ContainerNames)}]"),
                _ => ("hold down: Patroni and PostgreSQL stopped until the fault ends (pod-failure)", null),
            };
        }
        if (apps is ["etcd"] && fault.Action == "pod-kill")
        {
            return ("SIGKILL to etcd; it is restarted with its data after the restart delay", null);
        }
        return (null, $"{fault.Action} of {string.Join(", ", pods)}: the local driver stops SUT replicas (app=sut), Patroni members (app=postgres with a role label, database: patroni) and, with pod-kill, etcd members; the single database is not a supervised pod");
    }
}
