using System.Text.Json.Nodes;
using k8s;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// Experiments name zones as the embedded environment does (zone-a, zone-b, zone-c); clouds name them
/// us-east-1a or ap-northeast-1c. On a cluster each experiment zone stands for a real one: as given
/// (--zone zone-a=us-east-1a), else discovered from the nodes' topology.kubernetes.io/zone labels in
/// sorted order (the first is zone-a, the second zone-b, ...). A zone the cluster itself has keeps its
/// name. Chaos Mesh's nodeSelectors are rewritten with the real names before anything is created.
/// </summary>
internal sealed class ZoneMap
{
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    private readonly Dictionary<string, string> _map;

    private ZoneMap(Dictionary<string, string> map, IReadOnlyList<string> clusterZones)
    {
        _map = map;
        ClusterZones = clusterZones;
    }

    /// <summary>The zones the cluster's nodes are labelled with, sorted.</summary>
    public IReadOnlyList<string> ClusterZones { get; }

    /// <summary>Experiment zone → cluster zone, for the plan's description; only the names that change.</summary>
    public IReadOnlyDictionary<string, string> Renamed => _map.Where(m => m.Key != m.Value).ToDictionary();

    public static async Task<ZoneMap> DiscoverAsync(IKubernetes client, IReadOnlyDictionary<string, string> given, CancellationToken ct)
    {
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var zones = nodes.Items.Select(n => n.Metadata.Labels?.TryGetValue(ZoneLabel, out var z) == true ? z : null).OfType<string>()
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var map = new Dictionary<string, string>(given);
        for (var i = 0; i < zones.Count && i < 26; i++)
        {
            map.TryAdd($"zone-{(char)('a' + i)}", zones[i]);
        }
        foreach (var zone in zones)
        {
            map.TryAdd(zone, zone);
        }
        return new ZoneMap(map, zones);
    }

    /// <summary>The cluster's zone for an experiment's, or null when there is none.</summary>
    public string? Resolve(string zone) => _map.TryGetValue(zone, out var real) ? real : null;

    /// <summary>The node selectors with every zone translated (unknown zones stay as they are; planning has refused them).</summary>
    public IReadOnlyDictionary<string, string> Translate(IReadOnlyDictionary<string, string> nodeSelectors) =>
        nodeSelectors.ToDictionary(n => n.Key, n => n.Key == ZoneLabel ? Resolve(n.Value) ?? n.Value : n.Value);

    /// <summary>Rewrites every nodeSelectors zone in a Chaos Mesh object (a Workflow's templates included), in place.</summary>
    public void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["nodeSelectors"] is JsonObject selectors && selectors[ZoneLabel]?.GetValue<string>() is { } zone && Resolve(zone) is { } real)
                {
                    selectors[ZoneLabel] = real;
                }
                foreach (var (_, child) in obj.ToList())
                {
                    Rewrite(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Rewrite(child);
                }
                break;
        }
    }
}
