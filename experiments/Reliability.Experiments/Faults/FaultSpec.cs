using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;

namespace Reliability.Experiments.Faults;

/// <summary>
/// What a fault kind reads: the spec of a Chaos Mesh object (or a Workflow template's body), where it is
/// (for problems at file:line:column), the fault's name, namespace and template deadline. In strict mode
/// (the local driver) every field the harness cannot honour is refused with its location rather than
/// ignored; lenient mode (Kubernetes, where Chaos Mesh applies the object) reads only what planning needs.
/// </summary>
internal sealed class FaultSpec
{
    private static readonly HashSet<string> SelectorFields = ["namespaces", "labelSelectors", "expressionSelectors", "nodeSelectors", "pods"];
    private readonly List<ManifestProblem> _problems;

    internal FaultSpec(ChaosDocument document, JsonObject body, string path, string name, string ns, TimeSpan? deadline, bool strict, List<ManifestProblem> problems)
    {
        Document = document;
        Body = body;
        Path = path;
        Name = name;
        Namespace = ns;
        Deadline = deadline;
        Strict = strict;
        _problems = problems;
    }

    public ChaosDocument Document { get; }
    public JsonObject Body { get; }
    /// <summary>Where <see cref="Body"/> is in the document, e.g. "spec" or "spec.templates[1].podChaos".</summary>
    public string Path { get; }
    public string Name { get; }
    public string Namespace { get; }
    /// <summary>The Workflow template's deadline, when it is one.</summary>
    public TimeSpan? Deadline { get; }
    public bool Strict { get; }

    internal FaultSpec With(JsonObject body, string path, string name, TimeSpan? deadline) => new(Document, body, path, name, Namespace, deadline, Strict, _problems);

    /// <summary>How long the fault lasts: spec.duration, cut to the template's deadline.</summary>
    public TimeSpan? Lasts() => Min(Duration(Body, Path, "duration"), Deadline);

    public void OnlyFields(JsonObject obj, string path, IReadOnlySet<string> allowed)
    {
        if (!Strict)
        {
            return;
        }
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key))
            {
                Fail(path.Length == 0 ? key : $"{path}.{key}", $"'{key}' is not supported by the local driver (supported here: {string.Join(", ", allowed.Order())}); it is refused rather than ignored");
            }
        }
    }

    public Targeting? Targeting(JsonObject spec, string path)
    {
        var modeText = Text(spec, "mode");
        if (modeText is null || !PodMode.Names.TryGetValue(modeText, out var mode))
        {
            Fail($"{path}.mode", $"mode '{modeText}' is not one of {string.Join(", ", PodMode.Names.Keys)}");
            return null;
        }
        var podMode = new PodMode(mode, spec["value"] is JsonValue v ? v.ToString() : null);
        if (podMode.Problem() is { } problem)
        {
            Fail($"{path}.value", problem);
            return null;
        }
        if (spec["selector"] is not JsonObject selector)
        {
            Fail($"{path}.selector", "a selector is required");
            return null;
        }
        var selectorPath = $"{path}.selector";
        OnlyFields(selector, selectorPath, SelectorFields);
        var namespaces = Strings(selector["namespaces"]);
        var expressions = new List<LabelRequirement>();
        if (selector["expressionSelectors"] is JsonArray exprs)
        {
            for (var i = 0; i < exprs.Count; i++)
            {
                var e = exprs[i] as JsonObject ?? [];
                var op = Text(e, "operator") ?? "";
                if (op is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
                {
                    Fail($"{selectorPath}.expressionSelectors[{i}].operator", $"operator '{op}' is not one of In, NotIn, Exists, DoesNotExist");
                }
                expressions.Add(new LabelRequirement(Text(e, "key") ?? "", op, Strings(e["values"])));
            }
        }
        var pods = (selector["pods"] as JsonObject ?? []).ToDictionary(p => p.Key, p => (IReadOnlyList<string>)Strings(p.Value));
        return new Targeting(new ChaosSelector(namespaces.Count > 0 ? namespaces : [Namespace], Map(selector["labelSelectors"]), expressions, Map(selector["nodeSelectors"]), pods), podMode);
    }

    public TimeSpan? Duration(JsonObject obj, string path, string field)
    {
        if (obj[field] is null)
        {
            return null;
        }
        var text = obj[field]!.ToString();
        if (!GoDuration.TryParse(text, out var value))
        {
            Fail($"{path}.{field}", $"'{text}' is not a duration such as 30s or 200ms");
            return null;
        }
        return value;
    }

    public double? Percent(JsonObject obj, string path, string field)
    {
        if (obj[field] is null)
        {
            return null;
        }
        var text = obj[field]!.ToString();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 100)
        {
            Fail($"{path}.{field}", $"'{text}' is not a percentage from 0 to 100");
            return null;
        }
        return value;
    }

    public T Missing<T>(string path, T placeholder)
    {
        Fail(path, "is required");
        return placeholder;
    }

    public void Fail(string path, string message) => _problems.Add(Document.Problem(path, message));

    public static string? Text(JsonObject obj, string field) =>
        obj[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(v => v?.ToString() ?? "")] : [];

    private static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject obj ? obj.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "") : [];

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => a < b ? a : b,
    };
}
