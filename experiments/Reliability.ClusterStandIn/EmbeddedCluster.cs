using System.Text.Json.Nodes;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Supervision;

namespace Reliability.ClusterStandIn;

/// <summary>
/// The embedded environment as the API server would list it: a node per zone, labelled as a cloud labels
/// its nodes (topology.kubernetes.io/zone, kubernetes.io/hostname), and a pod for every SUT replica,
/// database member and etcd member, with the labels the local fault machinery matches (so a selector
/// picks the same pods on both) and the status the kubelet would report: Ready from the process's real
/// state, restartCount from the supervisor or from a member's process being replaced.
/// </summary>
internal sealed class EmbeddedCluster(LocalEnvironment environment, DateTimeOffset created)
{
    public const string Namespace = "task-manager";
    private const string IngressNamespace = "ingress";
    private readonly Dictionary<string, (int? Pid, int Restarts)> _members = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<string> Zones => environment.Options.Zones;

    public IEnumerable<JsonObject> Nodes() => Zones.Select(zone => new JsonObject
    {
        ["apiVersion"] = "v1", ["kind"] = "Node",
        ["metadata"] = new JsonObject
        {
            ["name"] = NodeOf(zone), ["uid"] = $"node-uid-{zone}", ["creationTimestamp"] = Timestamp(created), ["resourceVersion"] = "1",
            ["labels"] = new JsonObject
            {
                ["topology.kubernetes.io/zone"] = zone, ["kubernetes.io/hostname"] = NodeOf(zone), ["kubernetes.io/os"] = "linux",
            },
        },
        ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }) },
    });

    /// <summary>Every pod, read from the environment now.</summary>
    public IReadOnlyList<JsonObject> Pods()
    {
        var pods = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var link in environment.Links)
        {
            pods.TryAdd(link.From, Pod(link.From, link.FromLabels));
            pods.TryAdd(link.To, Pod(link.To, link.ToLabels));
        }
        return [.. pods.Values.OrderBy(p => p["metadata"]!["name"]!.ToString(), StringComparer.Ordinal)];
    }

    public static string NodeOf(string zone) => $"node-{zone}";

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private JsonObject Pod(string name, IReadOnlyDictionary<string, string> labels)
    {
        var live = labels.ToDictionary();
        var ns = live.GetValueOrDefault("app") == "lb" ? IngressNamespace : Namespace;
        var (ready, restarts) = State(name);
        var zone = live.GetValueOrDefault("zone") ?? Zones[0];
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name, ["namespace"] = ns, ["uid"] = $"uid-{name}", ["creationTimestamp"] = Timestamp(created), ["resourceVersion"] = "1",
                ["labels"] = new JsonObject([.. live.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]),
            },
            ["spec"] = new JsonObject { ["nodeName"] = NodeOf(zone), ["containers"] = new JsonArray(new JsonObject { ["name"] = Container(live), ["image"] = Container(live) }) },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running", ["hostIP"] = "127.0.0.1", ["podIP"] = "127.0.0.1",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = Container(live), ["ready"] = ready, ["restartCount"] = restarts, ["image"] = Container(live), ["imageID"] = "", ["started"] = ready,
                }),
            },
        };
    }

    private static string Container(IReadOnlyDictionary<string, string> labels) => labels.GetValueOrDefault("app") ?? "main";

    /// <summary>Ready as the pod's readiness probe would find it, and how often its container was replaced.</summary>
    private (bool Ready, int Restarts) State(string name)
    {
        if (environment.Supervisor.Replicas.FirstOrDefault(r => r.Pod == name) is { } replica)
        {
            return (replica.State == ReplicaState.Running, replica.Restarts);
        }
        if (environment.Patroni?.Members.FirstOrDefault(m => m.Name == name) is { } member)
        {
            return (member.IsRunning && !member.IsDown && member.Role is MemberRole.Primary or MemberRole.Replica, Restarts(name, member.PatroniPid));
        }
        if (environment.Patroni?.EtcdMembers.FirstOrDefault(m => m.Name == name) is { } etcd)
        {
            return (etcd.IsRunning, Restarts(name, etcd.Pid));
        }
        if (name == "postgres-0" && environment.Postgres is { } postgres)
        {
            return (postgres.IsRunning, 0);
        }
        return (true, 0);
    }

    /// <summary>A member's process replaced by another counts as a container restart, as the kubelet counts them.</summary>
    private int Restarts(string name, int? pid)
    {
        lock (_gate)
        {
            var (last, restarts) = _members.GetValueOrDefault(name);
            if (pid is not null && last is not null && pid != last)
            {
                restarts++;
            }
            _members[name] = (pid ?? last, restarts);
            return restarts;
        }
    }
}
