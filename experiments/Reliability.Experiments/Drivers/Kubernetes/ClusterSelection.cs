using k8s;
using k8s.Models;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Faults;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// Resolves a fault's selector against the cluster (pods and, for nodeSelectors, nodes), as Chaos Mesh
/// will: an empty match or a namespace outside the allow-list is a problem located in its manifest.
/// Chaos Mesh itself picks among the candidates by mode when the object is created, so a selector whose
/// candidates include the harness's own pod could cut the harness off from the cluster, its load and its
/// evidence (a zone failure on the harness's node, a partition of its namespace): it is refused.
/// </summary>
internal sealed class ClusterSelection(IKubernetes client, IReadOnlyCollection<string> allowedNamespaces, string? harnessPod = null, Func<CancellationToken, Task<ZoneMap>>? zones = null)
{
    public async Task<IReadOnlyList<string>> ResolveAsync(FaultNode fault, Targeting targeting, string path, CancellationToken ct)
    {
        var selector = targeting.Selector;
        var namespaces = selector.Pods.Count > 0 ? selector.Pods.Keys.ToList() : selector.Namespaces;
        var outside = namespaces.Where(n => !allowedNamespaces.Contains(n)).ToList();
        if (outside.Count > 0)
        {
            throw new ManifestException(fault.Source.Problem($"{path}.selector", $"namespace(s) {string.Join(", ", outside)} are not on the allow-list ({string.Join(", ", allowedNamespaces)})"));
        }
        HashSet<string>? nodes = null;
        if (selector.NodeSelectors.Count > 0)
        {
            var nodeSelectors = selector.NodeSelectors;
            if (zones is not null && nodeSelectors.TryGetValue(ZoneMap.ZoneLabel, out var zone))
            {
                var map = await zones(ct);
                if (map.Resolve(zone) is not { } real || !map.ClusterZones.Contains(real))
                {
                    throw new ManifestException(fault.Source.Problem($"{path}.selector.nodeSelectors",
                        $"zone '{zone}'{(map.Resolve(zone) is { } given && given != zone ? $" (given as {given})" : "")} is not a zone of this cluster ({(map.ClusterZones.Count == 0 ? $"no node carries {ZoneMap.ZoneLabel}" : string.Join(", ", map.ClusterZones))}); map it with --zone {zone}=<cluster zone>"));
                }
                nodeSelectors = map.Translate(nodeSelectors);
            }
            var list = await client.CoreV1.ListNodeAsync(labelSelector: LabelSelector(nodeSelectors), cancellationToken: ct);
            nodes = [.. list.Items.Select(n => n.Metadata.Name)];
        }
        var matched = new List<string>();
        foreach (var ns in namespaces)
        {
            var list = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector.LabelSelectors.Count > 0 ? LabelSelector(selector.LabelSelectors) : null, cancellationToken: ct);
            matched.AddRange(list.Items
                .Where(p => p.Metadata.DeletionTimestamp is null)
                .Where(p => selector.ExpressionSelectors.All(e => e.Matches(Labels(p))))
                .Where(p => nodes is null || nodes.Contains(p.Spec?.NodeName ?? ""))
                .Where(p => selector.Pods.Count == 0 || selector.Pods[ns].Contains(p.Metadata.Name))
                .Select(p => $"{ns}/{p.Metadata.Name}"));
        }
        if (matched.Count == 0)
        {
            throw new ManifestException(fault.Source.Problem($"{path}.selector", $"selector [{selector}] matches no pod in the cluster"));
        }
        if (harnessPod is not null && matched.Contains(harnessPod))
        {
            throw new ManifestException(fault.Source.Problem($"{path}.selector",
                $"selector [{selector}] matches the harness's own pod {harnessPod}: the fault would cut off the run that observes it; narrow the selector or run the harness in a namespace of its own"));
        }
        return [.. matched.Order(StringComparer.Ordinal)];
    }

    private static IReadOnlyDictionary<string, string> Labels(V1Pod pod) =>
        (IReadOnlyDictionary<string, string>?)pod.Metadata.Labels?.AsReadOnly() ?? new Dictionary<string, string>();

    private static string LabelSelector(IReadOnlyDictionary<string, string> labels) => string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));
}
