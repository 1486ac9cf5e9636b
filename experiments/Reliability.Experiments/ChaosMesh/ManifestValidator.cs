using Reliability.Experiments.ChaosMesh.Admission;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.ChaosMesh;

/// <summary>Validates every chaos-mesh.org document of a YAML file against the CRD of its kind and the rules a cluster's admission adds.</summary>
internal sealed class ManifestValidator(ChaosMeshSchemas schemas)
{
    /// <summary>Whether a file holds Chaos Mesh objects at all (other YAML is not this validator's business).</summary>
    public static bool IsChaosMeshFile(string path) =>
        File.ReadLines(path).Any(line => line.TrimStart().StartsWith($"apiVersion: {ChaosMeshSchemas.Group}/", StringComparison.Ordinal))
        || HarnessSchemas.IsHarnessFaultFile(path);

    public IReadOnlyList<ManifestProblem> Validate(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            return [new ManifestProblem(path, ex.Start.Line, ex.Start.Column, "(yaml)", ex.Message)];
        }
        var problems = new List<ManifestProblem>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                problems.Add(new ManifestProblem(path, document.RootNode.Start.Line, document.RootNode.Start.Column, "(document)", "must be a mapping"));
                continue;
            }
            var apiVersion = Scalar(root, "apiVersion");
            var kind = Scalar(root, "kind");
            if (apiVersion == HarnessSchemas.ApiVersion && kind is not null && HarnessSchemas.For(kind) is { } own)
            {
                // The harness's own kinds (DatabaseDisaster): their schema, and no Chaos Mesh admission rules.
                problems.AddRange(new StructuralSchemaValidator(path).Validate(root, own, ""));
                continue;
            }
            if (apiVersion != $"{ChaosMeshSchemas.Group}/v1alpha1")
            {
                problems.Add(new ManifestProblem(path, root.Start.Line, root.Start.Column, "apiVersion", $"expected {ChaosMeshSchemas.Group}/v1alpha1 (or {HarnessSchemas.ApiVersion} for {string.Join(", ", HarnessSchemas.Kinds)}), got '{apiVersion}'"));
                continue;
            }
            if (kind is null || schemas.For(kind) is not { } schema)
            {
                problems.Add(new ManifestProblem(path, root.Start.Line, root.Start.Column, "kind", $"'{kind}' is not a Chaos Mesh kind of the {schemas.Source} ({string.Join(", ", schemas.Kinds.Order())})"));
                continue;
            }
            var structural = new StructuralSchemaValidator(path).Validate(root, schema, "");
            problems.AddRange(structural);
            problems.AddRange(new AdmissionRules(path, schemas.Kinds).Check(kind, root, spec: structural.Count == 0));
        }
        return problems;
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
