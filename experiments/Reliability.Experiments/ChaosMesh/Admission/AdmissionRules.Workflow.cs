using Reliability.Experiments.Definitions;
using YamlDotNet.RepresentationModel;
using static Reliability.Experiments.ChaosMesh.Admission.Nodes;

namespace Reliability.Experiments.ChaosMesh.Admission;

/// <summary>A Workflow's templates: an entry that exists, unique valid names, children that exist, deadlines where they are needed.</summary>
internal sealed partial class AdmissionRules
{
    private void Workflow(YamlMappingNode spec, string path)
    {
        var templates = Child(spec, "templates") as YamlSequenceNode;
        if (templates is null || templates.Children.Count == 0)
        {
            Fail(Child(spec, "templates") ?? spec, $"{path}.templates", "a Workflow needs at least one template");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < templates.Children.Count; i++)
        {
            if (templates.Children[i] is YamlMappingNode template && Scalar(template, "name") is { } name)
            {
                var at = $"{path}.templates[{i}].name";
                if (!names.Add(name))
                {
                    Fail(Child(template, "name")!, at, $"'{name}' names another template already");
                }
                if (!Dns1123.IsLabel(name))
                {
                    Fail(Child(template, "name")!, at, $"'{name}' {Dns1123.LabelRule}");
                }
            }
        }
        if (Child(spec, "entry") is not YamlScalarNode { Value: { Length: > 0 } entry } entryNode)
        {
            Fail(Child(spec, "entry") ?? spec, $"{path}.entry", "is required: the template the Workflow starts with");
        }
        else if (!names.Contains(entry))
        {
            Fail(entryNode, $"{path}.entry", $"'{entry}' is not one of the templates ({string.Join(", ", names)})");
        }
        for (var i = 0; i < templates.Children.Count; i++)
        {
            if (templates.Children[i] is YamlMappingNode template)
            {
                Template(template, $"{path}.templates[{i}]", names);
            }
        }
    }

    private void Template(YamlMappingNode template, string path, HashSet<string> names)
    {
        var type = Scalar(template, "templateType") ?? "";
        if (Child(template, "deadline") is not null)
        {
            GoDurationField(template, path, "deadline");
        }
        if (type is "Serial" or "Parallel")
        {
            if (Child(template, "children") is not YamlSequenceNode { Children.Count: > 0 })
            {
                Fail(Child(template, "children") ?? template, $"{path}.children", $"a {type} template needs at least one child");
            }
            if (Child(template, "children") is YamlSequenceNode children)
            {
                for (var c = 0; c < children.Children.Count; c++)
                {
                    if (children.Children[c] is YamlScalarNode { Value: { } child } node && !names.Contains(child))
                    {
                        Fail(node, $"{path}.children[{c}]", $"'{child}' is not one of the templates");
                    }
                }
            }
        }
        else if (type == "Suspend")
        {
            if (Child(template, "deadline") is null)
            {
                Fail(template, $"{path}.deadline", "a Suspend template needs a deadline: how long it waits");
            }
        }
        else if (chaosKinds.Contains(type))
        {
            if (Map(template, Field(type)) is { } embedded)
            {
                ChaosSpec(type, embedded, $"{path}.{Field(type)}", inWorkflow: true);
            }
            else
            {
                Fail(template, $"{path}.{Field(type)}", $"is required for templateType {type}");
            }
        }
        else if (!ControlTemplates.Contains(type))
        {
            Fail(Child(template, "templateType") ?? template, $"{path}.templateType",
                $"'{type}' is not a template type ({string.Join(", ", ControlTemplates)} or a chaos kind)");
        }
    }
}
