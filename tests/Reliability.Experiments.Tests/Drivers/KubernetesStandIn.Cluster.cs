using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// The pods a rendered overlay would run, as the scheduler and the controllers would make them: nodes in
/// the given zones; each Deployment's replicas (its autoscaler's floor when it has one) and each
/// StatefulSet's members, with their templates' labels, spread over the zones in turn; a running game-day
/// Job pod for each CronJob. A Patroni StatefulSet's members carry the role label Patroni puts on them
/// (the one patroni.yml names): the first member is the primary after bootstrap, the others replicas.
/// </summary>
internal static class RenderedCluster
{
    public static (List<JsonObject> Nodes, List<JsonObject> Pods) Of(IReadOnlyList<JsonObject> rendered, IReadOnlyList<string> zones)
    {
        var nodes = zones.Select((zone, i) => KubernetesStandIn.Node($"node-{i}", zone)).ToList();
        var pods = new List<JsonObject>();
        var roleLabel = rendered.Where(o => Kind(o) == "ConfigMap").Select(o => o["data"]?["patroni.yml"]?.ToString()).OfType<string>()
            .Select(yaml => Regex.Match(yaml, @"role_label:\s*(\S+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).FirstOrDefault();
        var next = 0;
        string NextNode() => $"node-{next++ % zones.Count}";
        foreach (var workload in rendered.Where(o => Kind(o) is "Deployment" or "StatefulSet" or "CronJob"))
        {
            var name = workload["metadata"]!["name"]!.ToString();
            var ns = workload["metadata"]!["namespace"]!.ToString();
            var (replicas, template) = Kind(workload) switch
            {
                "CronJob" => (1, workload["spec"]!["jobTemplate"]!["spec"]!["template"]!),
                _ => (Floor(rendered, name) ?? Int(workload["spec"]!["replicas"]) ?? 1, workload["spec"]!["template"]!),
            };
            var patroni = Kind(workload) == "StatefulSet" && roleLabel is not null
                && template["spec"]!["containers"]!.AsArray().Any(c => c!["env"]?.AsArray().Any(e => e!["name"]!.ToString() == "PATRONI_NAME") == true);
            for (var i = 0; i < replicas; i++)
            {
                var podName = Kind(workload) switch
                {
                    "StatefulSet" => $"{name}-{i}",
                    "CronJob" => $"{name}-29012345-x7k2p",
                    _ => $"{name}-7d9f8c6b5-{i:x4}",
                };
                var pod = KubernetesStandIn.Pod(podName, "", NextNode());
                pod["metadata"]!["namespace"] = ns;
                pod["metadata"]!["labels"] = template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject();
                if (patroni)
                {
                    pod["metadata"]!["labels"]![roleLabel!] = i == 0 ? "master" : "replica";
                }
                pods.Add(pod);
            }
        }
        return (nodes, pods);
    }

    private static string? Kind(JsonObject o) => o["kind"]?.ToString();

    /// <summary>The autoscaler's floor for a Deployment it scales, if any.</summary>
    private static int? Floor(IReadOnlyList<JsonObject> rendered, string deployment) =>
        rendered.Where(o => Kind(o) == "HorizontalPodAutoscaler" && o["spec"]!["scaleTargetRef"]!["name"]!.ToString() == deployment)
            .Select(o => Int(o["spec"]!["minReplicas"])).FirstOrDefault();

    private static int? Int(JsonNode? node) => node is null ? null : int.Parse(node.ToString(), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The stand-in running what <see cref="RenderedCluster"/> makes of a rendered overlay, in place of its fixture pods.</summary>
internal sealed partial class KubernetesStandIn
{
    public void LoadCluster(IReadOnlyList<JsonObject> rendered, IReadOnlyList<string> zones)
    {
        var (nodes, pods) = RenderedCluster.Of(rendered, zones);
        _nodes.Clear();
        _nodes.AddRange(nodes);
        _pods.Clear();
        _pods.AddRange(pods);
    }
}
