using System.Globalization;
using YamlDotNet.RepresentationModel;
using static Reliability.Experiments.ChaosMesh.Admission.Nodes;

namespace Reliability.Experiments.ChaosMesh.Admission;

/// <summary>The rules of one chaos spec: its selector, duration, and what its kind adds.</summary>
internal sealed partial class AdmissionRules
{
    private static readonly string[] PercentFields = ["correlation", "loss", "duplicate", "corrupt", "reorder"];

    private void ChaosSpec(string kind, YamlMappingNode spec, string path, bool inWorkflow)
    {
        Selector(spec, path);
        if (Child(spec, "duration") is { } duration)
        {
            if (inWorkflow)
            {
                // A Workflow times its chaos with the template's deadline; Chaos Mesh refuses a duration inside.
                Fail(duration, $"{path}.duration", "a chaos inside a Workflow takes its length from the template's deadline; remove duration");
            }
            else
            {
                GoDurationField(spec, path, "duration");
            }
        }
        switch (kind)
        {
            case "PodChaos":
                if (Child(spec, "gracePeriod") is YamlScalarNode { Value: { } grace } graceNode
                    && long.TryParse(grace, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) && seconds < 0)
                {
                    Fail(graceNode, $"{path}.gracePeriod", $"a grace period is 0 or more seconds, got {grace}");
                }
                if (Scalar(spec, "action") == "container-kill"
                    && (Child(spec, "containerNames") is not YamlSequenceNode { Children.Count: > 0 }))
                {
                    Fail(Child(spec, "containerNames") ?? spec, $"{path}.containerNames", "container-kill needs at least one container name");
                }
                break;
            case "NetworkChaos":
                NetworkChaos(spec, path);
                break;
        }
    }

    private static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    private void Selector(YamlMappingNode spec, string path)
    {
        if (Map(spec, "selector") is { } selector && Child(selector, "expressionSelectors") is YamlSequenceNode expressions)
        {
            for (var i = 0; i < expressions.Children.Count; i++)
            {
                if (expressions.Children[i] is not YamlMappingNode expression)
                {
                    continue;
                }
                var at = $"{path}.selector.expressionSelectors[{i}]";
                if (Scalar(expression, "key") is not { Length: > 0 })
                {
                    Fail(Child(expression, "key") ?? expression, $"{at}.key", "a label key is required");
                }
                var op = Scalar(expression, "operator");
                if (!Operators.Contains(op))
                {
                    Fail(Child(expression, "operator") ?? expression, $"{at}.operator", $"'{op}' is not one of {string.Join(", ", Operators)}");
                }
                else if (op is "In" or "NotIn" && Child(expression, "values") is not YamlSequenceNode { Children.Count: > 0 })
                {
                    Fail(Child(expression, "values") ?? expression, $"{at}.values", $"operator {op} needs at least one value");
                }
                else if (op is "Exists" or "DoesNotExist" && Child(expression, "values") is YamlSequenceNode { Children.Count: > 0 } values)
                {
                    Fail(values, $"{at}.values", $"operator {op} takes no values");
                }
            }
        }
        var mode = Scalar(spec, "mode");
        var valueNode = Child(spec, "value");
        var value = (valueNode as YamlScalarNode)?.Value ?? "";
        switch (mode)
        {
            case "fixed":
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
                {
                    Fail(valueNode ?? spec, $"{path}.value", $"mode fixed needs a whole number of pods, got '{value}'");
                }
                else if (count <= 0)
                {
                    Fail(valueNode!, $"{path}.value", $"mode fixed needs at least one pod, got {value}");
                }
                break;
            case "fixed-percent" or "random-max-percent":
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
                {
                    Fail(valueNode ?? spec, $"{path}.value", $"mode {mode} needs a whole percentage, got '{value}'");
                }
                else if (percent is <= 0 or > 100)
                {
                    Fail(valueNode!, $"{path}.value", $"mode {mode} needs a percentage from 1 to 100, got {value}");
                }
                break;
        }
    }

    private void NetworkChaos(YamlMappingNode spec, string path)
    {
        var action = Scalar(spec, "action");
        var direction = Scalar(spec, "direction") ?? "to";
        if (direction is "from" or "both" && Child(spec, "target") is null && action != "partition")
        {
            Fail(Child(spec, "direction")!, $"{path}.direction", $"direction {direction} needs a target for action {action}");
        }
        if (Map(spec, "target") is { } target)
        {
            Selector(target, $"{path}.target");
        }
        // The harness's rule: an action without its settings would inject nothing (an empty netem) and the run would prove nothing.
        if (action is "delay" or "loss" or "duplicate" or "corrupt" or "bandwidth" && Child(spec, action) is not YamlMappingNode)
        {
            Fail(Child(spec, action) ?? Child(spec, "action")!, $"{path}.{action}", $"action {action} needs its settings in {action}");
        }
        foreach (var (name, node) in new[] { "delay", "loss", "duplicate", "corrupt", "rate", "bandwidth" }.Select(n => (n, Map(spec, n))))
        {
            if (node is null)
            {
                continue;
            }
            foreach (var key in new[] { "latency", "jitter" })
            {
                if (Child(node, key) is not null)
                {
                    GoDurationField(node, $"{path}.{name}", key);
                }
            }
            foreach (var key in PercentFields)
            {
                if (Child(node, key) is YamlScalarNode percent)
                {
                    Percent(percent, $"{path}.{name}.{key}");
                }
            }
            if (Map(node, "reorder") is { } reorder)
            {
                foreach (var key in new[] { "reorder", "correlation" })
                {
                    if (Child(reorder, key) is YamlScalarNode percent)
                    {
                        Percent(percent, $"{path}.{name}.reorder.{key}");
                    }
                }
            }
        }
    }

    private void Percent(YamlScalarNode node, string path)
    {
        var text = node.Value ?? "";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Fail(node, path, $"'{text}' is not a number");
        }
        else if (value is < 0 or > 100)
        {
            Fail(node, path, $"must be a percentage from 0 to 100, got {text}");
        }
    }

    private void GoDurationField(YamlMappingNode map, string path, string key)
    {
        var node = Child(map, key)!;
        var text = (node as YamlScalarNode)?.Value ?? "";
        if (!GoDuration.IsValid(text))
        {
            Fail(node, $"{path}.{key}", $"'{text}' is not a Go duration (examples: 30s, 1m30s, 500ms)");
        }
    }
}
