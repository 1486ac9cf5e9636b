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
    private Task? _singleDatabaseStop;

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
                LoseNetworkState(pod);
            }
        }
        else if (cluster?.EtcdMembers.SingleOrDefault(e => e.Name == pod) is { } etcd)
        {
            cluster.KillEtcd(etcd);
            LoseNetworkState(pod);
        }
        else
        {
            Environment.Supervisor.Kill(pod, $"chaos {fault.Name}");
        }
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

    private void HoldDown(string pod, PodFault fault)
    {
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
            Environment.Supervisor.HoldDown(pod, $"chaos {fault.Name}");
        }
    }

    private async Task ReleaseAsync(string pod)
    {
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

    /// <summary>What a pod fault does to these pods, or why the local driver cannot do it; pods of several kinds get each kind's effect.</summary>
    private static (string? Effect, string? Refusal) PodEffect(PodFault fault, IReadOnlyList<ChaosPod> pods)
    {
        var effects = new List<string>();
        foreach (var kind in pods.GroupBy(Kind))
        {
            var (effect, refusal) = (kind.Key, fault.Action) switch
            {
                ("sut", "pod-failure") => ("hold down (pod-failure)", null),
                ("sut", _) => ($"SIGKILL ({fault.Action}), the supervisor restarts it", null),
                ("member", "pod-kill") => ("node loss: SIGKILL to Patroni and its postmaster; the member comes back after the restart delay", null),
                ("member", "container-kill") when fault.ContainerNames is ["postgres"] => ("SIGKILL to the postmaster only; Patroni restarts it in place", (string?)null),
                ("member", "container-kill") => (null, $"container-kill of a database member takes containerNames [postgres] (the postmaster), not [{string.Join(", ", fault.ContainerNames)}]"),
                ("member", _) => ("hold down: Patroni and PostgreSQL stopped until the fault ends (pod-failure)", null),
                ("etcd", "pod-kill") => ("SIGKILL to etcd; it is restarted with its data after the restart delay", null),
                ("etcd", "pod-failure") => ("etcd held down until the fault ends (pod-failure)", null),
                ("single-db", "pod-failure") => ("PostgreSQL shut down until the fault ends (pod-failure), then started on its data", null),
                _ => (null, $"{fault.Action} of {string.Join(", ", kind)}: the local driver stops SUT replicas (app=sut), Patroni members (app=postgres with a role label, database: patroni) and etcd members (pod-kill, pod-failure); the single database is not a supervised pod"),
            };
            if (refusal is not null)
            {
                return (null, refusal);
            }
            effects.Add(pods.Count == kind.Count() ? effect! : $"{string.Join(", ", kind.Select(p => p.Name))}: {effect}");
        }
        return (string.Join("; ", effects), null);
    }

    private static string Kind(ChaosPod pod) => pod.Labels.GetValueOrDefault("app") switch
    {
        "sut" => "sut",
        "postgres" when pod.Labels.ContainsKey("role") => "member",
        "etcd" => "etcd",
        "postgres" => "single-db",
        _ => "other",
    };
}
