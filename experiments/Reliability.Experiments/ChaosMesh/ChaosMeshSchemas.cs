using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.ChaosMesh;

/// <summary>
/// The openAPIV3Schema of each Chaos Mesh kind, read from the real CRDs (chaos-mesh.org/v1alpha1,
/// v2.8 line) that a cluster's API server enforces.
/// </summary>
public sealed class ChaosMeshSchemas
{
    public const string Group = "chaos-mesh.org";
    private readonly Dictionary<string, JsonNode> _byKind;

    private ChaosMeshSchemas(Dictionary<string, JsonNode> byKind) => _byKind = byKind;

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    public JsonNode? For(string kind) => _byKind.GetValueOrDefault(kind);

    /// <summary>Loads every CRD in <paramref name="directory"/> (default: <see cref="LocateDirectory"/>).</summary>
    public static ChaosMeshSchemas Load(string? directory = null)
    {
        directory ??= LocateDirectory();
        var byKind = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "chaos-mesh.org_*.yaml"))
        {
            var crd = ToJson(LoadYaml(file))!;
            var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
            var version = crd["spec"]!["versions"]!.AsArray().First(v => v!["name"]!.GetValue<string>() == "v1alpha1")!;
            byKind[kind] = version["schema"]!["openAPIV3Schema"]!.DeepClone();
        }
        if (byKind.Count == 0)
        {
            throw new FileNotFoundException($"no Chaos Mesh CRDs (chaos-mesh.org_*.yaml) in {directory}");
        }
        return new ChaosMeshSchemas(byKind);
    }

    /// <summary>
    /// $RELIABILITY_CHAOS_MESH_SCHEMAS, else shared/schemas/chaos-mesh beside the checkout (where the
    /// project keeps the CRDs), else schemas/chaos-mesh beside the program.
    /// </summary>
    public static string LocateDirectory()
    {
        if (Environment.GetEnvironmentVariable("RELIABILITY_CHAOS_MESH_SCHEMAS") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "schemas", "chaos-mesh");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        var bundled = Path.Combine(AppContext.BaseDirectory, "schemas", "chaos-mesh");
        return Directory.Exists(bundled)
            ? bundled
            : throw new DirectoryNotFoundException("Chaos Mesh CRD schemas not found: set RELIABILITY_CHAOS_MESH_SCHEMAS to a folder of chaos-mesh.org_*.yaml CRDs");
    }

    private static YamlNode LoadYaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return stream.Documents[0].RootNode;
    }

    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ScalarValue(scalar),
        _ => null,
    };

    private static JsonNode? ScalarValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.Plain)
        {
            if (text is "true" or "false")
            {
                return JsonValue.Create(text == "true");
            }
            if (long.TryParse(text, out var integer))
            {
                return JsonValue.Create(integer);
            }
            if (text is "null" or "~" or "")
            {
                return null;
            }
        }
        return JsonValue.Create(text);
    }
}
