using System.Text.Json.Nodes;

namespace Reliability.Experiments.Faults.Workflow;

/// <summary>
/// A Chaos Mesh Workflow: its entry template and, through Serial and Parallel children, the tree of
/// faults it runs, with Suspend pauses and each template's deadline. A template's chaos (templateType
/// PodChaos with a podChaos body, and so on) is read by its fault kind.
/// </summary>
internal static class WorkflowReader
{
    private static readonly HashSet<string> TemplateFields =
        ["name", "templateType", "deadline", "children", .. FaultKinds.ChaosKinds.Select(BodyField)];

    public static FaultNode? Read(FaultSpec spec)
    {
        var entry = FaultSpec.Text(spec.Body, "entry");
        if (spec.Body["templates"] is not JsonArray templates)
        {
            spec.Fail("spec.templates", "a Workflow needs templates");
            return null;
        }
        var byName = new Dictionary<string, (JsonObject Template, string Path)>(StringComparer.Ordinal);
        for (var i = 0; i < templates.Count; i++)
        {
            if (templates[i] is JsonObject t && FaultSpec.Text(t, "name") is { } n)
            {
                byName[n] = (t, $"spec.templates[{i}]");
            }
        }
        if (entry is null || !byName.ContainsKey(entry))
        {
            spec.Fail("spec.entry", $"entry '{entry}' names no template");
            return null;
        }
        return ReadTemplate(spec, byName, entry, []);
    }

    /// <summary>The field of a template holding a chaos body: PodChaos → podChaos.</summary>
    private static string BodyField(string chaosKind) => char.ToLowerInvariant(chaosKind[0]) + chaosKind[1..];

    private static FaultNode? ReadTemplate(FaultSpec spec, Dictionary<string, (JsonObject Template, string Path)> templates, string name, HashSet<string> seen)
    {
        if (!templates.TryGetValue(name, out var found))
        {
            spec.Fail("spec.templates", $"no template named '{name}'");
            return null;
        }
        if (!seen.Add(name))
        {
            spec.Fail(found.Path, $"template '{name}' contains itself");
            return null;
        }
        var (template, path) = found;
        spec.OnlyFields(template, path, TemplateFields);
        var deadline = spec.Duration(template, path, "deadline");
        var type = FaultSpec.Text(template, "templateType");
        switch (type)
        {
            case "Serial" or "Parallel":
                var children = (template["children"] as JsonArray ?? [])
                    .Select(c => c?.GetValue<string>() is { } child ? ReadTemplate(spec, templates, child, [.. seen]) : null)
                    .ToList();
                return children.Any(c => c is null) ? null : new FaultGroup(spec.Document, path, name, deadline, type == "Parallel", children!);
            case "Suspend":
                return new SuspendFault(spec.Document, path, name, deadline);
            case { } kind when FaultKinds.ChaosKinds.Contains(kind) && template[BodyField(kind)] is JsonObject body:
                return FaultReader.ReadChaos(spec.With(body, $"{path}.{BodyField(kind)}", name, deadline), kind);
            default:
                spec.Fail($"{path}.templateType", $"template type '{type}' is not supported (Serial, Parallel, Suspend, {string.Join(", ", FaultKinds.ChaosKinds)} are), or its body is missing");
                return null;
        }
    }
}
