using Reliability.Experiments.ChaosMesh;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reliability.Experiments.ChaosMesh.Objects;

/// <summary>
/// Reads Chaos Mesh objects into <see cref="FaultNode"/>s. Strict mode (the local driver) refuses every
/// field it cannot honour, with its location, rather than ignore it; lenient mode (the Kubernetes
/// driver, where Chaos Mesh itself applies the object) only reads what planning needs.
/// </summary>
public sealed class FaultReader(bool strict)
{
    private static readonly HashSet<string> PodChaosFields = ["action", "mode", "value", "selector", "duration", "gracePeriod", "containerNames"];
    private static readonly HashSet<string> NetworkChaosFields = ["action", "mode", "value", "selector", "duration", "direction", "target", "delay", "loss"];
    private static readonly HashSet<string> SelectorFields = ["namespaces", "labelSelectors", "expressionSelectors", "nodeSelectors", "pods"];
    private static readonly HashSet<string> TemplateFields = ["name", "templateType", "deadline", "children", "podChaos", "networkChaos"];

    private readonly List<ManifestProblem> _problems = [];

    public static FaultNode Read(ChaosDocument document, bool strict)
    {
        var reader = new FaultReader(strict);
        var node = reader.ReadDocument(document);
        if (reader._problems.Count > 0 || node is null)
        {
            throw new ManifestException(reader._problems.Count > 0 ? reader._problems : [document.Problem("kind", "nothing to inject")]);
        }
        return node;
    }

    private FaultNode? ReadDocument(ChaosDocument doc)
    {
        var ns = doc.Namespace ?? "default";
        switch (doc.Kind)
        {
            case "PodChaos":
                return ReadPodChaos(doc, doc.Spec, "spec", doc.Name, ns, null);
            case "NetworkChaos":
                return ReadNetworkChaos(doc, doc.Spec, "spec", doc.Name, ns, null);
            case "Workflow":
                return ReadWorkflow(doc, ns);
            case "Schedule":
                Fail(doc, "kind", "a Schedule makes Chaos Mesh repeat its chaos on a cron; an experiment injects once, so name the chaos itself (the Schedule's template) in the experiment");
                return null;
            default:
                Fail(doc, "kind", $"{doc.Kind} is not supported by the harness (PodChaos, NetworkChaos and Workflow are)");
                return null;
        }
    }

    private PodFault? ReadPodChaos(ChaosDocument doc, JsonObject spec, string path, string name, string ns, TimeSpan? deadline)
    {
        OnlyFields(doc, spec, path, PodChaosFields);
        var action = Text(spec, "action");
        if (action is not ("pod-kill" or "pod-failure" or "container-kill"))
        {
            Fail(doc, $"{path}.action", $"PodChaos action '{action}' is not one of pod-kill, pod-failure, container-kill");
            return null;
        }
        var targeting = ReadTargeting(doc, spec, path, ns);
        var duration = Duration(doc, spec, path, "duration");
        var grace = spec["gracePeriod"] is JsonValue g && g.TryGetValue(out long seconds) ? seconds : 0;
        var containers = spec["containerNames"] is JsonArray names ? names.Select(n => n?.ToString() ?? "").ToList() : [];
        if (action == "container-kill" && containers.Count == 0)
        {
            Fail(doc, $"{path}.containerNames", "container-kill needs containerNames");
            return null;
        }
        return targeting is null ? null : new PodFault(doc, path, name, Min(duration, deadline), action, targeting, grace) { ContainerNames = containers };
    }

    private NetworkFault? ReadNetworkChaos(ChaosDocument doc, JsonObject spec, string path, string name, string ns, TimeSpan? deadline)
    {
        OnlyFields(doc, spec, path, NetworkChaosFields);
        var action = Text(spec, "action");
        if (action is not ("delay" or "loss" or "partition"))
        {
            Fail(doc, $"{path}.action", $"NetworkChaos action '{action}' is not supported (delay, loss and partition are)");
            return null;
        }
        var targeting = ReadTargeting(doc, spec, path, ns);
        Targeting? target = null;
        if (spec["target"] is JsonObject targetSpec)
        {
            OnlyFields(doc, targetSpec, $"{path}.target", ["mode", "value", "selector"]);
            target = ReadTargeting(doc, targetSpec, $"{path}.target", ns);
        }
        var direction = Text(spec, "direction") ?? "to";
        if (direction is not ("to" or "from" or "both"))
        {
            Fail(doc, $"{path}.direction", $"direction '{direction}' is not one of to, from, both");
        }
        else if (direction != "to" && target is null)
        {
            Fail(doc, $"{path}.direction", $"direction '{direction}' needs a target (without one only 'to' is meaningful)");
        }
        TimeSpan latency = default, jitter = default;
        double correlation = 0, loss = 0;
        if (action == "delay")
        {
            if (spec["delay"] is not JsonObject delay)
            {
                Fail(doc, path, "a delay action needs spec.delay");
                return null;
            }
            OnlyFields(doc, delay, $"{path}.delay", ["latency", "jitter", "correlation"]);
            latency = Duration(doc, delay, $"{path}.delay", "latency") ?? Missing(doc, $"{path}.delay.latency", TimeSpan.Zero);
            jitter = Duration(doc, delay, $"{path}.delay", "jitter") ?? TimeSpan.Zero;
            correlation = Percent(doc, delay, $"{path}.delay", "correlation") ?? 0;
        }
        else if (action == "loss")
        {
            if (spec["loss"] is not JsonObject lossSpec)
            {
                Fail(doc, path, "a loss action needs spec.loss");
                return null;
            }
            OnlyFields(doc, lossSpec, $"{path}.loss", ["loss", "correlation"]);
            loss = Percent(doc, lossSpec, $"{path}.loss", "loss") ?? Missing(doc, $"{path}.loss.loss", 0.0);
            correlation = Percent(doc, lossSpec, $"{path}.loss", "correlation") ?? 0;
        }
        var duration = Duration(doc, spec, path, "duration");
        return targeting is null ? null
            : new NetworkFault(doc, path, name, Min(duration, deadline), action, targeting, target, direction, latency, jitter, correlation, loss);
    }

    private FaultNode? ReadWorkflow(ChaosDocument doc, string ns)
    {
        var entry = Text(doc.Spec, "entry");
        if (doc.Spec["templates"] is not JsonArray templates)
        {
            Fail(doc, "spec.templates", "a Workflow needs templates");
            return null;
        }
        var byName = new Dictionary<string, (JsonObject Template, string Path)>(StringComparer.Ordinal);
        for (var i = 0; i < templates.Count; i++)
        {
            if (templates[i] is JsonObject t && Text(t, "name") is { } n)
            {
                byName[n] = (t, $"spec.templates[{i}]");
            }
        }
        if (entry is null || !byName.ContainsKey(entry))
        {
            Fail(doc, "spec.entry", $"entry '{entry}' names no template");
            return null;
        }
        return ReadTemplate(doc, byName, entry, ns, []);
    }

    private FaultNode? ReadTemplate(ChaosDocument doc, Dictionary<string, (JsonObject Template, string Path)> templates, string name, string ns, HashSet<string> seen)
    {
        if (!templates.TryGetValue(name, out var found))
        {
            Fail(doc, "spec.templates", $"no template named '{name}'");
            return null;
        }
        if (!seen.Add(name))
        {
            Fail(doc, found.Path, $"template '{name}' contains itself");
            return null;
        }
        var (template, path) = found;
        OnlyFields(doc, template, path, TemplateFields);
        var deadline = Duration(doc, template, path, "deadline");
        var type = Text(template, "templateType");
        FaultNode? node;
        switch (type)
        {
            case "Serial" or "Parallel":
                var children = (template["children"] as JsonArray ?? [])
                    .Select(c => c?.GetValue<string>() is { } child ? ReadTemplate(doc, templates, child, ns, [.. seen]) : null)
                    .ToList();
                node = children.Any(c => c is null) ? null : new FaultGroup(doc, path, name, deadline, type == "Parallel", children!);
                break;
            case "Suspend":
                node = new SuspendFault(doc, path, name, deadline);
                break;
            case "PodChaos" when template["podChaos"] is JsonObject pod:
                node = ReadPodChaos(doc, pod, $"{path}.podChaos", name, ns, deadline);
                break;
            case "NetworkChaos" when template["networkChaos"] is JsonObject net:
                node = ReadNetworkChaos(doc, net, $"{path}.networkChaos", name, ns, deadline);
                break;
            default:
                Fail(doc, $"{path}.templateType", $"template type '{type}' is not supported (Serial, Parallel, Suspend, PodChaos, NetworkChaos are), or its body is missing");
                node = null;
                break;
        }
        return node;
    }

    private Targeting? ReadTargeting(ChaosDocument doc, JsonObject spec, string path, string ns)
    {
        var modeText = Text(spec, "mode");
        if (modeText is null || !PodMode.Names.TryGetValue(modeText, out var mode))
        {
            Fail(doc, $"{path}.mode", $"mode '{modeText}' is not one of {string.Join(", ", PodMode.Names.Keys)}");
            return null;
        }
        var podMode = new PodMode(mode, spec["value"] is JsonValue v ? v.ToString() : null);
        if (podMode.Problem() is { } problem)
        {
            Fail(doc, $"{path}.value", problem);
            return null;
        }
        if (spec["selector"] is not JsonObject selector)
        {
            Fail(doc, $"{path}.selector", "a selector is required");
            return null;
        }
        var selectorPath = $"{path}.selector";
        OnlyFields(doc, selector, selectorPath, SelectorFields);
        var namespaces = Strings(selector["namespaces"]);
        var expressions = new List<LabelRequirement>();
        if (selector["expressionSelectors"] is JsonArray exprs)
        {
            for (var i = 0; i < exprs.Count; i++)
            {
                var e = exprs[i] as JsonObject ?? [];
                var op = Text(e, "operator") ?? "";
                if (op is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
                {
                    Fail(doc, $"{selectorPath}.expressionSelectors[{i}].operator", $"operator '{op}' is not one of In, NotIn, Exists, DoesNotExist");
                }
                expressions.Add(new LabelRequirement(Text(e, "key") ?? "", op, Strings(e["values"])));
            }
        }
        var pods = (selector["pods"] as JsonObject ?? []).ToDictionary(p => p.Key, p => (IReadOnlyList<string>)Strings(p.Value));
        return new Targeting(new ChaosSelector(namespaces.Count > 0 ? namespaces : [ns], Map(selector["labelSelectors"]), expressions, Map(selector["nodeSelectors"]), pods), podMode);
    }

    private void OnlyFields(ChaosDocument doc, JsonObject obj, string path, HashSet<string> allowed)
    {
        if (!strict)
        {
            return;
        }
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key))
            {
                Fail(doc, path.Length == 0 ? key : $"{path}.{key}", $"'{key}' is not supported by the local driver (supported here: {string.Join(", ", allowed.Order())}); it is refused rather than ignored");
            }
        }
    }

    private TimeSpan? Duration(ChaosDocument doc, JsonObject obj, string path, string field)
    {
        if (obj[field] is null)
        {
            return null;
        }
        var text = obj[field]!.ToString();
        if (!GoDuration.TryParse(text, out var value))
        {
            Fail(doc, $"{path}.{field}", $"'{text}' is not a duration such as 30s or 200ms");
            return null;
        }
        return value;
    }

    private double? Percent(ChaosDocument doc, JsonObject obj, string path, string field)
    {
        if (obj[field] is null)
        {
            return null;
        }
        var text = obj[field]!.ToString();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 100)
        {
            Fail(doc, $"{path}.{field}", $"'{text}' is not a percentage from 0 to 100");
            return null;
        }
        return value;
    }

    private T Missing<T>(ChaosDocument doc, string path, T placeholder)
    {
        Fail(doc, path, "is required");
        return placeholder;
    }

    private void Fail(ChaosDocument doc, string path, string message) => _problems.Add(doc.Problem(path, message));

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => a < b ? a : b,
    };

    private static string? Text(JsonObject obj, string field) =>
        obj[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(v => v?.ToString() ?? "")] : [];

    private static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject obj ? obj.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "") : [];
}
