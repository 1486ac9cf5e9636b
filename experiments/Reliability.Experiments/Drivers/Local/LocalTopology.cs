using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Sut.Local.Embedded;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>
/// The embedded environment seen as Kubernetes pods: every SUT replica and the database are pods of
/// <see cref="Namespace"/> with the labels a Deployment would give them, on a "node" per zone carrying
/// topology.kubernetes.io/zone. The load balancer stands for the ingress controller, in its own namespace.
/// </summary>
internal sealed class LocalTopology
{
    public const string Namespace = "task-manager";
    public const string IngressNamespace = "ingress";

    private readonly Dictionary<string, ChaosPod> _pods;

    public LocalTopology(IEnumerable<LinkLayout> links)
    {
        _pods = new Dictionary<string, ChaosPod>(StringComparer.Ordinal);
        foreach (var link in links)
        {
            Add(link.From, link.FromLabels);
            Add(link.To, link.ToLabels);
        }
    }

    public IReadOnlyCollection<ChaosPod> Pods => _pods.Values;

    public ChaosPod this[string name] => _pods[name];

    private void Add(string name, IReadOnlyDictionary<string, string> labels)
    {
        if (_pods.ContainsKey(name))
        {
            return;
        }
        var ns = labels.GetValueOrDefault("app") == "lb" ? IngressNamespace : Namespace;
        var nodeLabels = new Dictionary<string, string>();
        if (labels.TryGetValue("zone", out var zone))
        {
            nodeLabels["topology.kubernetes.io/zone"] = zone;
            nodeLabels["kubernetes.io/hostname"] = $"node-{zone}";
        }
        _pods[name] = new ChaosPod(ns, name, labels, nodeLabels);
    }
}
