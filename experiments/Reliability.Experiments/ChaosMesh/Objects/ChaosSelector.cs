namespace Reliability.Experiments.ChaosMesh.Objects;

/// <summary>A Kubernetes set-based requirement (Chaos Mesh's expressionSelectors): In, NotIn, Exists, DoesNotExist.</summary>
internal sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels) => Operator switch
    {
        "In" => labels.TryGetValue(Key, out var v) && Values.Contains(v),
        "NotIn" => !labels.TryGetValue(Key, out var v) || !Values.Contains(v),
        "Exists" => labels.ContainsKey(Key),
        "DoesNotExist" => !labels.ContainsKey(Key),
        _ => false,
    };
}

/// <summary>
/// Chaos Mesh's pod selector, the subset this harness understands. Namespaces default to the chaos
/// object's own namespace, as Chaos Mesh's webhook does; every other criterion narrows the set.
/// </summary>
internal sealed record ChaosSelector(
    IReadOnlyList<string> Namespaces,
    IReadOnlyDictionary<string, string> LabelSelectors,
    IReadOnlyList<LabelRequirement> ExpressionSelectors,
    IReadOnlyDictionary<string, string> NodeSelectors,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Pods)
{
    public bool Matches(ChaosPod pod)
    {
        if (Pods.Count > 0)
        {
            return Pods.TryGetValue(pod.Namespace, out var names) && names.Contains(pod.Name);
        }
        return Namespaces.Contains(pod.Namespace)
            && LabelSelectors.All(l => pod.Labels.TryGetValue(l.Key, out var v) && v == l.Value)
            && ExpressionSelectors.All(e => e.Matches(pod.Labels))
            && NodeSelectors.All(n => pod.NodeLabels.TryGetValue(n.Key, out var v) && v == n.Value);
    }

    /// <summary>A short human form for plans and journals, e.g. "ns=task-manager app=sut node:zone=zone-a".</summary>
    public override string ToString()
    {
        if (Pods.Count > 0)
        {
            return "pods " + string.Join(",", Pods.SelectMany(p => p.Value.Select(n => $"{p.Key}/{n}")));
        }
        var parts = new List<string> { "ns=" + string.Join(",", Namespaces) };
        parts.AddRange(LabelSelectors.Select(l => $"{l.Key}={l.Value}"));
        parts.AddRange(ExpressionSelectors.Select(e => $"{e.Key} {e.Operator} ({string.Join(",", e.Values)})"));
        parts.AddRange(NodeSelectors.Select(n => $"node:{n.Key}={n.Value}"));
        return string.Join(" ", parts);
    }
}

/// <summary>A pod as selectors see it: its namespace, name, labels and the labels of the node it runs on.</summary>
internal sealed record ChaosPod(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> NodeLabels)
{
    public override string ToString() => $"{Namespace}/{Name}";
}
