using System.Globalization;
using Reliability.Experiments.ChaosMesh;
using Reliability.Load.Simulations;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.Definitions;

/// <summary>Typed field access on a YAML tree that collects every problem with its position, rather than stopping at the first.</summary>
internal sealed class YamlFields(string file)
{
    private readonly List<ManifestProblem> _problems = [];

    /// <summary>The file's one YAML document, which must be a mapping; a problem with its place otherwise.</summary>
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ManifestException(new ManifestProblem(path, ex.Start.Line, ex.Start.Column, "(yaml)", ex.Message));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(new ManifestProblem(path, 0, 0, "(file)", ex.Message));
        }
        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new ManifestException(new ManifestProblem(path, 1, 1, "(document)", "expected one YAML mapping"));
    }

    public void Problem(YamlNode node, string field, string message) =>
        _problems.Add(new ManifestProblem(file, node.Start.Line, node.Start.Column, field, message));

    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new ManifestException(_problems);
        }
    }

    public void Only(YamlMappingNode map, string path, params string[] keys)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!keys.Contains(name))
            {
                Problem(key, Join(path, name), $"unknown field (expected one of {string.Join(", ", keys)})");
            }
        }
    }

    public void Expect(YamlMappingNode map, string path, string key, string value)
    {
        var text = Text(map, path, key, required: true);
        if (text is not null && text != value)
        {
            Problem(map.Children[new YamlScalarNode(key)], Join(path, key), $"expected '{value}', got '{text}'");
        }
    }

    public YamlNode? Node(YamlMappingNode map, string path, string key, bool required)
    {
        if (map.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return node;
        }
        if (required)
        {
            Problem(map, Join(path, key), "is required");
        }
        return null;
    }

    public YamlMappingNode? Map(YamlMappingNode map, string path, string key, bool required = false)
    {
        var node = Node(map, path, key, required);
        if (node is null or YamlMappingNode)
        {
            return node as YamlMappingNode;
        }
        Problem(node, Join(path, key), "expected a mapping");
        return null;
    }

    public IReadOnlyList<(YamlNode Node, string Path)> List(YamlMappingNode map, string path, string key, bool required = false)
    {
        var node = Node(map, path, key, required);
        if (node is null)
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence || (required && sequence.Children.Count == 0))
        {
            Problem(node, Join(path, key), required ? "expected a non-empty list" : "expected a list");
            return [];
        }
        return [.. sequence.Children.Select((child, i) => (child, $"{Join(path, key)}[{i}]"))];
    }

    public string? Text(YamlMappingNode map, string path, string key, bool required = false)
    {
        var node = Node(map, path, key, required);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }
        Problem(node, Join(path, key), "expected a single value");
        return null;
    }

    public double? Number(YamlMappingNode map, string path, string key, bool required = false)
    {
        var text = Text(map, path, key, required);
        return text is null ? null : Parse(map.Children[new YamlScalarNode(key)], Join(path, key), t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    public TimeSpan? Duration(YamlMappingNode map, string path, string key, bool required = false)
    {
        var text = Text(map, path, key, required);
        return text is null ? null : Parse(map.Children[new YamlScalarNode(key)], Join(path, key), DurationText.Parse);
    }

    /// <summary>Parses a scalar; a parser's FormatException becomes a located problem and the default value.</summary>
    public T Parse<T>(YamlNode node, string field, Func<string, T> parse)
    {
        if (node is not YamlScalarNode { Value: { } text })
        {
            Problem(node, field, "expected a single value");
            return default!;
        }
        try
        {
            return parse(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            Problem(node, field, ex.Message);
            return default!;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
