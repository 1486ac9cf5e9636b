using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.ChaosMesh;

/// <summary>
/// Checks a YAML object against a Kubernetes structural (OpenAPI v3) schema, as `kubectl apply
/// --validate=strict` would: types, required fields, enums, patterns, int-or-string, and unknown
/// fields, which an API server would silently prune (a typo in a fault spec means a different fault).
/// Every problem carries the line and column of the offending node.
/// </summary>
internal sealed class StructuralSchemaValidator(string file)
{
    private readonly List<ManifestProblem> _problems = [];

    public IReadOnlyList<ManifestProblem> Validate(YamlNode node, JsonNode schema, string path)
    {
        Check(node, schema, path);
        return _problems;
    }

    private void Check(YamlNode node, JsonNode schema, string path)
    {
        if (IsNull(node))
        {
            if (schema["nullable"]?.GetValue<bool>() != true)
            {
                Fail(node, path, "must not be null");
            }
            return;
        }
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (node is not YamlScalarNode)
            {
                Fail(node, path, "must be an integer or a string");
            }
            return;
        }
        if (schema["anyOf"] is JsonArray anyOf && !anyOf.Any(branch => Passes(node, branch!, path)))
        {
            Fail(node, path, "matches none of the allowed shapes");
            return;
        }
        switch (schema["type"]?.GetValue<string>())
        {
            case "object":
                CheckObject(node, schema, path);
                break;
            case "array":
                if (node is not YamlSequenceNode sequence)
                {
                    Fail(node, path, "must be a list");
                    return;
                }
                if (schema["items"] is { } items)
                {
                    for (var i = 0; i < sequence.Children.Count; i++)
                    {
                        Check(sequence.Children[i], items, $"{path}[{i}]");
                    }
                }
                break;
            case "string":
                CheckScalar(node, schema, path, "a string", s => s.Style != ScalarStyle.Plain || !LooksTyped(s.Value!));
                break;
            case "integer":
                CheckScalar(node, schema, path, "an integer", s => s.Style == ScalarStyle.Plain && long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
                break;
            case "number":
                CheckScalar(node, schema, path, "a number", s => s.Style == ScalarStyle.Plain && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                break;
            case "boolean":
                CheckScalar(node, schema, path, "true or false", s => s.Style == ScalarStyle.Plain && s.Value is "true" or "false");
                break;
        }
    }

    private void CheckObject(YamlNode node, JsonNode schema, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Fail(node, path, "must be a mapping");
            return;
        }
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var child = path.Length == 0 ? key : $"{path}.{key}";
            if (properties?[key] is { } propertySchema)
            {
                Check(value, propertySchema, child);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Check(value, additionalSchema, child);
            }
            else if (!preserve && (properties is not null || additional is JsonValue { } a && !a.GetValue<bool>()))
            {
                Fail(keyNode, child, $"unknown field (known: {string.Join(", ", properties?.Select(p => p.Key) ?? [])})");
            }
        }
        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
        {
            if (!map.Children.ContainsKey(new YamlScalarNode(required)))
            {
                Fail(node, path.Length == 0 ? required : $"{path}.{required}", "is required");
            }
        }
    }

    private void CheckScalar(YamlNode node, JsonNode schema, string path, string expected, Func<YamlScalarNode, bool> matches)
    {
        if (node is not YamlScalarNode scalar || !matches(scalar))
        {
            Fail(node, path, $"must be {expected}");
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a!.ToString() == scalar.Value))
        {
            Fail(node, path, $"'{scalar.Value}' is not one of {string.Join(", ", allowed.Select(a => a!.ToString()))}");
        }
        if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(scalar.Value!, pattern))
        {
            Fail(node, path, $"'{scalar.Value}' does not match {pattern}");
        }
    }

    private bool Passes(YamlNode node, JsonNode schema, string path)
    {
        var probe = new StructuralSchemaValidator(file);
        probe.Check(node, schema, path);
        return probe._problems.Count == 0;
    }

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "null" or "~" };

    private static bool LooksTyped(string value) =>
        value is "true" or "false" || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private void Fail(YamlNode node, string path, string message) =>
        _problems.Add(new ManifestProblem(file, node.Start.Line, node.Start.Column, path.Length == 0 ? "(document)" : path, message));
}
