using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.ChaosMesh;

/// <summary>
/// The openAPIV3Schema of each Chaos Mesh kind, from the real CRDs (chaos-mesh.org/v1alpha1) that a
/// cluster's API server enforces: the ones bundled with the program (experiments/chaos/crds, v2.8 line),
/// or those a cluster serves (<see cref="FromCrds"/>).
/// </summary>
internal sealed class ChaosMeshSchemas
{
    public const string Group = "chaos-mesh.org";
    public const string OverrideVariable = "RELIABILITY_CHAOS_MESH_SCHEMAS";
    /// <summary>The folder beside the program that the build and publish copy experiments/chaos/crds into.</summary>
    public const string BundledFolder = "chaos-mesh-crds";
    private readonly Dictionary<string, JsonNode> _byKind;

    private ChaosMeshSchemas(Dictionary<string, JsonNode> byKind, IReadOnlyList<string> crdNames, string source)
    {
        _byKind = byKind;
        CrdNames = crdNames;
        Source = source;
    }

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>The CRDs' names (plural.chaos-mesh.org), as a cluster serves them under apiextensions.k8s.io/v1.</summary>
    public IReadOnlyList<string> CrdNames { get; }

    /// <summary>Where the schemas came from, for the user: the bundled CRDs and their version, a folder, or the cluster.</summary>
    public string Source { get; }

    public JsonNode? For(string kind) => _byKind.GetValueOrDefault(kind);

    /// <summary>The same schemas, described differently (a fallback says why it was taken).</summary>
    public ChaosMeshSchemas WithSource(string source) => new(_byKind, CrdNames, source);

    /// <summary>Loads every CRD in <paramref name="directory"/> (default: <see cref="LocateDirectory"/>).</summary>
    public static ChaosMeshSchemas Load(string? directory = null)
    {
        directory ??= LocateDirectory();
        var crds = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "chaos-mesh.org_*.yaml").Order().Select(file => ToJson(LoadYaml(file))!).ToList()
            : throw new DirectoryNotFoundException($"Chaos Mesh CRD schemas not found: {directory} does not exist (rebuild the program, or set {OverrideVariable} to a folder of chaos-mesh.org_*.yaml CRDs)");
        if (crds.Count == 0)
        {
            throw new FileNotFoundException($"no Chaos Mesh CRDs (chaos-mesh.org_*.yaml) in {directory}");
        }
        var version = File.Exists(Path.Combine(directory, "VERSION")) ? File.ReadAllText(Path.Combine(directory, "VERSION")).Trim() : "version unknown";
        var bundled = Path.GetFullPath(directory) == Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, BundledFolder));
        return FromCrds(crds, bundled ? $"bundled Chaos Mesh CRDs {version}" : $"Chaos Mesh CRDs {version} from {directory}");
    }

    /// <summary>The schemas of these CustomResourceDefinitions (apiextensions.k8s.io/v1 objects as JSON); kinds outside chaos-mesh.org are ignored.</summary>
    public static ChaosMeshSchemas FromCrds(IEnumerable<JsonNode> crds, string source)
    {
        var byKind = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var crd in crds)
        {
            if (crd["spec"]?["group"]?.GetValue<string>() != Group
                || crd["spec"]?["names"]?["kind"]?.GetValue<string>() is not { } kind
                || crd["spec"]?["versions"]?.AsArray().FirstOrDefault(v => v?["name"]?.GetValue<string>() == "v1alpha1")?["schema"]?["openAPIV3Schema"] is not { } schema)
            {
                continue;
            }
            byKind[kind] = schema.DeepClone();
            names.Add(crd["metadata"]?["name"]?.GetValue<string>() ?? $"{crd["spec"]!["names"]?["plural"]?.GetValue<string>()}.{Group}");
        }
        return new ChaosMeshSchemas(byKind, names, source);
    }

    /// <summary>
    /// $RELIABILITY_CHAOS_MESH_SCHEMAS, else the CRDs copied beside the program (chaos-mesh-crds/). Never the
    /// working directory or anything outside the installed program: a user's clone has nothing beside it.
    /// </summary>
    public static string LocateDirectory() =>
        Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, BundledFolder);

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
