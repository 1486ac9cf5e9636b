using System.Text.Json.Nodes;

namespace Reliability.Experiments.ChaosMesh;

/// <summary>
/// The schemas of the harness's own fault kinds (reliability.dev/v1alpha1, e.g. DatabaseDisaster), from the
/// CRDs in experiments/chaos/harness-crds, copied beside the program as harness-crds/. They are always the
/// bundled ones: no cluster serves them, because the harness carries these faults out itself.
/// </summary>
internal static class HarnessSchemas
{
    public const string Group = "reliability.dev";
    public const string ApiVersion = $"{Group}/v1alpha1";
    public const string BundledFolder = "harness-crds";

    private static readonly Lazy<IReadOnlyDictionary<string, JsonNode>> ByKind = new(Load);

    public static IReadOnlyCollection<string> Kinds => ByKind.Value.Keys.ToList();

    public static JsonNode? For(string kind) => ByKind.Value.GetValueOrDefault(kind);

    /// <summary>Whether a manifest file holds a harness fault kind (not an experiment, which has its own reader).</summary>
    public static bool IsHarnessFaultFile(string path) =>
        File.ReadLines(path).Any(line => line.TrimStart().StartsWith($"apiVersion: {ApiVersion}", StringComparison.Ordinal))
        && File.ReadLines(path).Any(line => Kinds.Any(k => line.Trim() == $"kind: {k}"));

    private static Dictionary<string, JsonNode> Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, BundledFolder);
        var byKind = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return byKind;
        }
        foreach (var file in Directory.EnumerateFiles(folder, $"{Group}_*.yaml").Order())
        {
            var stream = new YamlDotNet.RepresentationModel.YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }
            var crd = ChaosMeshSchemas.ToJson(stream.Documents[0].RootNode)!;
            if (crd["spec"]?["names"]?["kind"]?.GetValue<string>() is { } kind
                && crd["spec"]?["versions"]?.AsArray().FirstOrDefault(v => v?["name"]?.GetValue<string>() == "v1alpha1")?["schema"]?["openAPIV3Schema"] is { } schema)
            {
                byKind[kind] = schema.DeepClone();
            }
        }
        return byKind;
    }
}
