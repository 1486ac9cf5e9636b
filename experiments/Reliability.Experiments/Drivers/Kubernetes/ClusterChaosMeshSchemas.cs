using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Reliability.Experiments.ChaosMesh;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// The Chaos Mesh CRDs a cluster serves, read through apiextensions.k8s.io/v1, so that experiments are
/// validated against the Chaos Mesh version installed there rather than the one the harness was built
/// with. Each CRD is read by name (GET, which a ClusterRole can grant for exactly these names, see
/// sut/deploy/k8s/harness/rbac.yaml); when the harness may not read them, or Chaos Mesh's CRDs are
/// not installed, the bundled ones are used and the reason is given.
/// </summary>
internal static class ClusterChaosMeshSchemas
{
    private const string Group = "apiextensions.k8s.io";
    private const string Version = "v1";
    private const string Plural = "customresourcedefinitions";

    public static async Task<ChaosMeshSchemas> LoadAsync(IKubernetes client, ChaosMeshSchemas bundled, CancellationToken ct)
    {
        var served = new List<JsonNode>();
        foreach (var name in bundled.CrdNames)
        {
            try
            {
                var crd = await client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, Plural, name, ct);
                served.Add(JsonNode.Parse(JsonSerializer.Serialize(crd))!);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Not served: a kind of another Chaos Mesh release. Objects of that kind would be refused there too.
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                return Fallback(bundled, $"the harness may not read the cluster's CRDs (HTTP {(int)ex.Response.StatusCode} on {name}; grant get on customresourcedefinitions)");
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or JsonException)
            {
                return Fallback(bundled, $"the cluster's CRDs could not be read ({ex.Message})");
            }
        }
        if (served.Count == 0)
        {
            return Fallback(bundled, "the cluster serves none of Chaos Mesh's CRDs: is Chaos Mesh installed?");
        }
        var schemas = ChaosMeshSchemas.FromCrds(served, $"cluster's Chaos Mesh CRDs ({Describe(served)})");
        return schemas.Kinds.Count > 0
            ? schemas
            : Fallback(bundled, "the cluster's Chaos Mesh CRDs have no v1alpha1 schema");
    }

    private static ChaosMeshSchemas Fallback(ChaosMeshSchemas bundled, string reason) =>
        bundled.WithSource($"{bundled.Source}, because {reason}");

    /// <summary>How many kinds, and the release when the installer labelled the CRDs (Helm's chart label, or app.kubernetes.io/version).</summary>
    private static string Describe(IReadOnlyList<JsonNode> crds)
    {
        var labels = crds.Select(c => c["metadata"]?["labels"]).OfType<JsonObject>().ToList();
        var release = labels.Select(l => l["app.kubernetes.io/version"]?.GetValue<string>()).FirstOrDefault(v => v is not null) is { } version
            ? $"Chaos Mesh {version}"
            : labels.Select(l => l["helm.sh/chart"]?.GetValue<string>()).FirstOrDefault(v => v is not null) is { } chart
                ? $"chart {chart}"
                : "release not labelled";
        return $"{crds.Count} kinds served, {release}";
    }
}
