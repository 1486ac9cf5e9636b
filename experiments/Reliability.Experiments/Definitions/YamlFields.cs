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
            if (key is not YamlScalarNode { Value: { } name })
            {
                Problem(key, path.Length == 0 ? "(key)" : $"{path}.(key)", "expected a plain field name, not a list or mapping");
                continue;
            }
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

    /// <summary>
    /// A finite number ("NaN" and "Infinity" parse as doubles and would slip past every comparison), at least
    /// <paramref name="atLeast"/>, or above <paramref name="above"/> when that is given.
    /// </summary>
    public double? Number(YamlMappingNode map, string path, string key, bool required = false, double? above = null, double? atLeast = null)
    {
        var text = Text(map, path, key, required);
        if (text is null)
        {
            return null;
        }
        var node = map.Children[new YamlScalarNode(key)];
        var field = Join(path, key);
        // Null when the text is no number at all: that problem is recorded once, without range complaints after it.
        if (Parse<double?>(node, field, t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture)) is not { } value)
        {
            return null;
        }
        if (!double.IsFinite(value))
        {
            Problem(node, field, $"'{text}' is not a finite number");
            return null;
        }
        if (above is { } low && value <= low)
        {
            Problem(node, field, $"must be greater than {low.ToString(CultureInfo.InvariantCulture)}, got {text}");
            return null;
        }
        if (atLeast is { } min && value < min)
        {
            Problem(node, field, $"must be at least {min.ToString(CultureInfo.InvariantCulture)}, got {text}");
            return null;
        }
        return value;
    }

    /// <summary>A whole number of at least <paramref name="atLeast"/> that fits an int: "2.5" or "1e12" is a problem, not a truncation.</summary>
    public int? Integer(YamlMappingNode map, string path, string key, bool required = false, int atLeast = int.MinValue)
    {
        var text = Text(map, path, key, required);
        if (text is null)
        {
            return null;
        }
        var node = map.Children[new YamlScalarNode(key)];
        var field = Join(path, key);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Problem(node, field, $"'{text}' is not a whole number between {int.MinValue} and {int.MaxValue}");
            return null;
        }
        if (value < atLeast)
        {
            Problem(node, field, $"must be at least {atLeast}, got {text}");
            return null;
        }
        return value;
    }

    /// <summary>A duration; zero is a problem unless <paramref name="allowZero"/> (a zero timeout or deadline would fail every request at once).</summary>
    public TimeSpan? Duration(YamlMappingNode map, string path, string key, bool required = false, bool allowZero = false)
    {
        var text = Text(map, path, key, required);
        if (text is null)
        {
            return null;
        }
        var node = map.Children[new YamlScalarNode(key)];
        var field = Join(path, key);
        var value = Parse<TimeSpan?>(node, field, t => DurationText.Parse(t));
        if (value == TimeSpan.Zero && !allowZero)
        {
            Problem(node, field, $"must be longer than zero, got {text}");
            return null;
        }
        return value;
    }

    /// <summary>
    /// A required name that is a DNS-1123 label (lower-case letters, digits and '-', at most 63): it becomes a
    /// folder name, a JUnit test suite and, on Kubernetes, a label value, so one spelling works in all three.
    /// </summary>
    public string? Name(YamlMappingNode map, string path, string key)
    {
        var text = Text(map, path, key, required: true);
        if (text is not null && !Dns1123.IsLabel(text))
        {
            Problem(map.Children[new YamlScalarNode(key)], Join(path, key), $"'{text}' {Dns1123.LabelRule}");
            return null;
        }
        return text;
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
