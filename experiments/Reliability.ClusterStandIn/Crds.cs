using System.Text.Json.Nodes;
using Reliability.Experiments.ChaosMesh;

namespace Reliability.ClusterStandIn;

/// <summary>Chaos Mesh's CRDs as this stand-in installs them: the bundled v2.8 ones, served under apiextensions.k8s.io/v1.</summary>
internal static class Crds
{
    public const string ApiVersion = "chaos-mesh.org/v1alpha1";

    /// <summary>plural → kind, for every bundled CRD.</summary>
    public static readonly IReadOnlyDictionary<string, string> Plurals = ChaosMeshSchemas.Load().Kinds
        .ToDictionary(k => k switch { "Workflow" => "workflows", "Schedule" => "schedules", _ => k.ToLowerInvariant() }, k => k);

    public static string KindOf(string plural) => Plurals.GetValueOrDefault(plural) ?? plural;

    /// <summary>The CRD named like "podchaos.chaos-mesh.org", as the API server returns it; null when not installed.</summary>
    public static JsonObject? Read(string name)
    {
        var file = Path.Combine(AppContext.BaseDirectory, ChaosMeshSchemas.BundledFolder, $"chaos-mesh.org_{name.Split('.')[0]}.yaml");
        if (!name.EndsWith(".chaos-mesh.org", StringComparison.Ordinal) || !File.Exists(file))
        {
            return null;
        }
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        using (var reader = new StreamReader(file))
        {
            stream.Load(reader);
        }
        var crd = ChaosMeshSchemas.ToJson(stream.Documents[0].RootNode)!.AsObject();
        crd["metadata"]!["resourceVersion"] = "1";
        return crd;
    }
}
