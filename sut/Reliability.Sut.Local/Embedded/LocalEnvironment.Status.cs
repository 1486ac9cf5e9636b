using Reliability.Sut.Local.Supervision;

namespace Reliability.Sut.Local.Embedded;

internal sealed partial class LocalEnvironment
{
    /// <summary>The health of every component, for `env up`'s live view.</summary>
    public IReadOnlyList<ComponentStatus> Status()
    {
        var status = new List<ComponentStatus>();
        if (Postgres is { } postgres)
        {
            status.Add(new("postgres-0", "postgres", Options.DatabaseZone, postgres.IsRunning ? ComponentState.Healthy : ComponentState.Down, $"127.0.0.1:{postgres.Port}"));
        }
        if (Patroni is { } cluster)
        {
            foreach (var etcd in cluster.EtcdMembers)
            {
                status.Add(new(etcd.Name, "etcd", etcd.Zone, etcd.IsRunning ? ComponentState.Healthy : ComponentState.Down, $"127.0.0.1:{etcd.ClientPort}"));
            }
            foreach (var member in cluster.Members)
            {
                var state = member.IsDown ? ComponentState.Down : member.Role == Database.MemberRole.Unknown ? ComponentState.Unhealthy : ComponentState.Healthy;
                status.Add(new(member.Name, "postgres", member.Zone, state,
                    $"{Database.PatroniMember.RoleLabel(member.Role)}, timeline {member.Timeline?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, 127.0.0.1:{member.PostgresPort}"));
            }
        }
        var healthy = LoadBalancer.HealthyTargets().ToHashSet(StringComparer.Ordinal);
        foreach (var replica in Supervisor.Replicas)
        {
            var state = replica.State switch
            {
                ReplicaState.Running when healthy.Contains(replica.Pod) => ComponentState.Healthy,
                ReplicaState.Running => ComponentState.Unhealthy,
                ReplicaState.Starting => ComponentState.Starting,
                ReplicaState.Stopped => ComponentState.Stopped,
                _ => ComponentState.Down,
            };
            var faults = _links.Where(l => (l.From == replica.Pod || l.To == replica.Pod) && !l.Proxy.Faults.IsNone).Select(l => l.Name).ToList();
            var detail = $"127.0.0.1:{replica.Port}, restarts {replica.Restarts}{(replica.State == ReplicaState.HeldDown ? ", held down" : "")}{(faults.Count > 0 ? $", faults on {string.Join(", ", faults)}" : "")}";
            status.Add(new(replica.Pod, "sut", replica.Zone, state, detail));
        }
        status.Add(new("lb", "load-balancer", null, healthy.Count > 0 ? ComponentState.Healthy : ComponentState.Unhealthy,
            $"{LoadBalancer.Address} ({healthy.Count}/{Supervisor.Replicas.Count} targets healthy)"));
        if (Prometheus is { } prometheus)
        {
            status.Add(new("prometheus", "prometheus", null, prometheus.HasExited ? ComponentState.Down : ComponentState.Healthy, prometheus.Address.ToString()));
        }
        if (Alertmanager is { } alertmanager)
        {
            status.Add(new("alertmanager", "alertmanager", null, alertmanager.HasExited ? ComponentState.Down : ComponentState.Healthy,
                $"{alertmanager.Address} ({Webhook?.Notifications.Count ?? 0} notifications received)"));
        }
        return status;
    }
}
