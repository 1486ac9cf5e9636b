using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.ChaosMesh.Admission;

/// <summary>Lookups on a YAML tree that tolerate any shape: the admission rules run on objects the schema may have found malformed.</summary>
internal static class Nodes
{
    internal static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    internal static YamlMappingNode? Map(YamlMappingNode map, string key) => Child(map, key) as YamlMappingNode;

    internal static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    /// <summary>The field that holds an embedded spec of a kind: PodChaos in podChaos, IOChaos in ioChaos, DNSChaos in dnsChaos.</summary>
    internal static string Field(string kind)
    {
        var capitals = 0;
        while (capitals < kind.Length && char.IsUpper(kind[capitals]))
        {
            capitals++;
        }
        // The run of capitals before "Chaos" is lower-cased whole (IOChaos → ioChaos); one capital is just the first letter.
        var lower = capitals > 1 && capitals < kind.Length ? capitals - 1 : Math.Max(capitals, 1);
        return kind[..lower].ToLowerInvariant() + kind[lower..];
    }

    // YAML 1.2 core schema: plain scalars that resolve to null, booleans or numbers.
    internal static bool IsNonString(string text) =>
        text is "" or "~" or "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE"
        || double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
        || (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2)
        || (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2);
}
