using Reliability.Experiments.ChaosMesh;
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.ChaosMesh.Objects;

/// <summary>
/// One Chaos Mesh object as read from a file: its JSON form (what the Kubernetes API receives) and the
/// position of every field, so a problem found later (an unsupported action, a selector matching
/// nothing) still points at file:line:column.
/// </summary>
internal sealed class ChaosDocument
{
    private readonly Dictionary<string, Mark> _marks;

    private ChaosDocument(string file, JsonObject body, Dictionary<string, Mark> marks, Mark start)
    {
        File = file;
        Body = body;
        _marks = marks;
        Start = start;
        Kind = body["kind"]?.GetValue<string>() ?? "";
        Name = body["metadata"]?["name"]?.GetValue<string>() ?? "";
        Namespace = body["metadata"]?["namespace"]?.GetValue<string>();
    }

    public string File { get; }
    public string Kind { get; }
    public string Name { get; }
    public string? Namespace { get; }
    public JsonObject Body { get; }
    public Mark Start { get; }
    public JsonObject Spec => Body["spec"] as JsonObject ?? [];

    /// <summary>A problem at a field, e.g. Problem("spec.action", "...").</summary>
    public ManifestProblem Problem(string path, string message)
    {
        var mark = Locate(path);
        return new ManifestProblem(File, mark.Line, mark.Column, path, message);
    }

    private Mark Locate(string path)
    {
        for (var probe = path; probe.Length > 0; probe = Parent(probe))
        {
            if (_marks.TryGetValue(probe, out var mark))
            {
                return mark;
            }
        }
        return Start;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    /// <summary>Reads every document of a file; Chaos Mesh documents only (apiVersion chaos-mesh.org/...).</summary>
    public static IReadOnlyList<ChaosDocument> Load(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ManifestException([new ManifestProblem(file, ex.Start.Line, ex.Start.Column, "(yaml)", ex.Message)]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException([new ManifestProblem(file, 0, 0, "(file)", ex.Message)]);
        }
        var documents = new List<ChaosDocument>();
        foreach (var document in stream.Documents)
        {
            var marks = new Dictionary<string, Mark>(StringComparer.Ordinal);
            if (Convert(document.RootNode, "", marks) is not JsonObject body)
            {
                throw new ManifestException([new ManifestProblem(file, document.RootNode.Start.Line, document.RootNode.Start.Column, "(document)", "must be a mapping")]);
            }
            documents.Add(new ChaosDocument(file, body, marks, document.RootNode.Start));
        }
        return documents;
    }

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, Mark> marks)
    {
        marks[path] = node.Start;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    obj[name] = Convert(value, path.Length == 0 ? name : $"{path}.{name}", marks);
                }
                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    array.Add(Convert(sequence.Children[i], $"{path}[{i}]", marks));
                }
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    /// <summary>Plain scalars keep YAML's core types (int, float, bool, null); quoted ones are strings, as Kubernetes reads them.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && char.IsDigit(text[^1]))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(text);
    }
}
