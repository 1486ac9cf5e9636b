using Reliability.Experiments.Definitions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Reliability.Experiments.ChaosMesh.Admission.Nodes;

namespace Reliability.Experiments.ChaosMesh.Admission;

/// <summary>
/// What a cluster refuses beyond the CRD schema: the API server's object-meta rules, and Chaos Mesh's
/// validating webhook (api/v1alpha1/*_webhook.go, the v2.8 line): selector modes and values, Go durations,
/// percentages, container-kill without containers, NetworkChaos directions without a target, Workflow
/// templates that do not hang together, and Schedule cron syntax. A manifest that passes here and the
/// schema is one `kubectl apply` would accept; the embedded environment applies the same rules, so a file
/// that works locally works on a cluster.
/// </summary>
internal sealed partial class AdmissionRules(string file, IReadOnlyCollection<string> chaosKinds)
{
    private static readonly string[] ControlTemplates = ["Serial", "Parallel", "Suspend", "Task", "Schedule", "StatusCheck"];
    private readonly List<ManifestProblem> _problems = [];

    /// <param name="spec">Whether to check the spec too: not when the schema already found it malformed, which would say the same twice.</param>
    public IReadOnlyList<ManifestProblem> Check(string kind, YamlMappingNode root, bool spec = true)
    {
        ObjectMeta(root);
        if (spec && Map(root, "spec") is { } body)
        {
            switch (kind)
            {
                case "Workflow":
                    Workflow(body, "spec");
                    break;
                case "Schedule":
                    Schedule(body, "spec");
                    break;
                default:
                    ChaosSpec(kind, body, "spec", inWorkflow: false);
                    break;
            }
        }
        return _problems;
    }

    private void ObjectMeta(YamlMappingNode root)
    {
        if (Map(root, "metadata") is not { } metadata)
        {
            Fail(root, "metadata", "is required");
            return;
        }
        if (Child(metadata, "name") is not { } name)
        {
            Fail(metadata, "metadata.name", "is required");
        }
        else if (String(name, "metadata.name") is { } text && !Dns1123.IsSubdomain(text))
        {
            Fail(name, "metadata.name", $"'{text}' {Dns1123.SubdomainRule}");
        }
        if (Child(metadata, "namespace") is { } ns && String(ns, "metadata.namespace") is { } space && !Dns1123.IsLabel(space))
        {
            Fail(ns, "metadata.namespace", $"'{space}' {Dns1123.LabelRule}");
        }
    }

    private void Schedule(YamlMappingNode spec, string path)
    {
        if (Child(spec, "schedule") is { } cron && String(cron, $"{path}.schedule") is { } text && CronSchedule.Problem(text) is { } problem)
        {
            Fail(cron, $"{path}.schedule", $"'{text}': {problem}");
        }
        foreach (var (key, least) in new[] { ("historyLimit", 1L), ("startingDeadlineSeconds", 0L) })
        {
            if (Child(spec, key) is YamlScalarNode { Value: { } number } node
                && long.TryParse(number, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) && value < least)
            {
                Fail(node, $"{path}.{key}", $"must be at least {least}, got {number}");
            }
        }
        if (Scalar(spec, "type") is { } type)
        {
            if (!chaosKinds.Contains(type) && type != "Workflow")
            {
                Fail(spec.Children[new YamlScalarNode("type")], $"{path}.type", $"'{type}' is not a kind a Schedule can create");
            }
            else if (Map(spec, Field(type)) is { } embedded)
            {
                if (type == "Workflow")
                {
                    Workflow(embedded, $"{path}.{Field(type)}");
                }
                else
                {
                    ChaosSpec(type, embedded, $"{path}.{Field(type)}", inWorkflow: false);
                }
            }
            else
            {
                Fail(spec, $"{path}.{Field(type)}", $"is required for type {type}");
            }
        }
    }

    private void Fail(YamlNode node, string path, string message) =>
        _problems.Add(new ManifestProblem(file, node.Start.Line, node.Start.Column, path, message));

    /// <summary>A scalar meant as a string: a plain 123, true or null is a number, boolean or null to the API server, which refuses it.</summary>
    private string? String(YamlNode node, string path)
    {
        if (node is not YamlScalarNode { Value: { } text } scalar)
        {
            Fail(node, path, "expected a string");
            return null;
        }
        if (scalar.Style == ScalarStyle.Plain && IsNonString(text))
        {
            Fail(node, path, $"{text} is not a string here (quote it: \"{text}\")");
            return null;
        }
        return text;
    }
}
