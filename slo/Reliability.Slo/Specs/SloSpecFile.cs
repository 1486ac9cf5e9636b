using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Slo.Specs;

/// <summary>A problem in an SLO spec, at file:line:column and field.</summary>
internal sealed class SloSpecException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads an SLO spec (Sloth's <c>version: prometheus/v1</c>); unknown fields and missing placeholders are errors.</summary>
internal static class SloSpecFile
{
    public const string Version = "prometheus/v1";

    public static bool IsSloSpec(string path) =>
        File.ReadLines(path).Any(l => l.Trim() is "version: \"prometheus/v1\"" or "version: prometheus/v1" or "version: 'prometheus/v1'");

    public static SloSpec Load(string path)
    {
        var problems = new List<string>();
        void Problem(YamlNode node, string field, string message) => problems.Add($"{path}:{node.Start.Line}:{node.Start.Column}: {field}: {message}");

        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new SloSpecException([$"{path}:{ex.Start.Line}:{ex.Start.Column}: (yaml): {ex.Message}"]);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SloSpecException([$"{path}:1:1: (document): expected one mapping"]);
        }
        Only(root, "", ["version", "service", "labels", "slos"], Problem);
        if (Text(root, "version") != Version)
        {
            Problem(root, "version", $"expected \"{Version}\"");
        }
        var service = Text(root, "service") ?? "";
        if (service.Length == 0)
        {
            Problem(root, "service", "is required");
        }
        var labels = Map(Child(root, "labels"), "labels", Problem);
        var slos = new List<Slo>();
        if (Child(root, "slos") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Problem(root, "slos", "a non-empty list is required");
        }
        else
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                if (ReadSlo(list.Children[i], $"slos[{i}]", Problem) is { } slo)
                {
                    slos.Add(slo);
                }
            }
            foreach (var duplicate in slos.GroupBy(s => s.Name).Where(g => g.Count() > 1))
            {
                Problem(list, "slos", $"the name '{duplicate.Key}' is used twice");
            }
        }
        return problems.Count > 0 ? throw new SloSpecException(problems) : new SloSpec(path, service, labels, slos);
    }

    private static Slo? ReadSlo(YamlNode node, string at, Action<YamlNode, string, string> problem)
    {
        if (node is not YamlMappingNode map)
        {
            problem(node, at, "expected a mapping");
            return null;
        }
        Only(map, at, ["name", "objective", "description", "labels", "sli", "alerting"], problem);
        var name = Text(map, "name") ?? "";
        if (name.Length == 0)
        {
            problem(map, $"{at}.name", "is required");
        }
        if (!double.TryParse(Text(map, "objective"), NumberStyles.Float, CultureInfo.InvariantCulture, out var objective) || !double.IsFinite(objective) || objective is <= 0 or >= 100)
        {
            problem(Child(map, "objective") ?? map, $"{at}.objective", "a percentage strictly between 0 and 100 is required, e.g. 99.9");
        }
        string error = "", total = "";
        if (Child(map, "sli") is not YamlMappingNode sli || Child(sli, "events") is not YamlMappingNode events)
        {
            problem(map, $"{at}.sli.events", "is required (error_query and total_query)");
        }
        else
        {
            Only(sli, $"{at}.sli", ["events"], problem);
            Only(events, $"{at}.sli.events", ["error_query", "total_query"], problem);
            foreach (var (key, assign) in new (string, Action<string>)[] { ("error_query", v => error = v), ("total_query", v => total = v) })
            {
                var query = Text(events, key);
                if (query is null || !query.Contains("{{.window}}", StringComparison.Ordinal))
                {
                    problem(Child(events, key) ?? events, $"{at}.sli.events.{key}", "a PromQL query with a {{.window}} placeholder is required");
                }
                assign(query?.Trim() ?? "");
            }
        }
        SloAlerting? alerting = null;
        if (Child(map, "alerting") is YamlMappingNode a)
        {
            Only(a, $"{at}.alerting", ["name", "labels", "annotations", "page_alert", "ticket_alert"], problem);
            var alertName = Text(a, "name") ?? "";
            if (alertName.Length == 0)
            {
                problem(a, $"{at}.alerting.name", "is required");
            }
            foreach (var key in new[] { "page_alert", "ticket_alert" })
            {
                if (Child(a, key) is { } kind and not YamlMappingNode)
                {
                    problem(kind, $"{at}.alerting.{key}", "expected a mapping (labels, disable)");
                }
            }
            alerting = new SloAlerting(alertName, Map(Child(a, "labels"), $"{at}.alerting.labels", problem), Map(Child(a, "annotations"), $"{at}.alerting.annotations", problem),
                Map(Child(Child(a, "page_alert") as YamlMappingNode, "labels"), $"{at}.alerting.page_alert.labels", problem),
                Map(Child(Child(a, "ticket_alert") as YamlMappingNode, "labels"), $"{at}.alerting.ticket_alert.labels", problem),
                Text(Child(a, "page_alert") as YamlMappingNode, "disable") == "true", Text(Child(a, "ticket_alert") as YamlMappingNode, "disable") == "true");
        }
        if (Child(map, "description") is { } description and not YamlScalarNode)
        {
            problem(description, $"{at}.description", "expected a single value");
        }
        return new Slo(name, objective, Text(map, "description"), error, total, Map(Child(map, "labels"), $"{at}.labels", problem), alerting);
    }

    private static void Only(YamlMappingNode map, string at, string[] keys, Action<YamlNode, string, string> problem)
    {
        foreach (var key in map.Children.Keys.Where(k => k is not YamlScalarNode))
        {
            problem(key, at.Length == 0 ? "(key)" : $"{at}.(key)", "expected a plain field name, not a list or mapping");
        }
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => !keys.Contains(k.Value)))
        {
            problem(key, at.Length == 0 ? key.Value! : $"{at}.{key.Value}", $"unknown field (expected one of {string.Join(", ", keys)})");
        }
    }

    private static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Text(YamlMappingNode? map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    /// <summary>Labels or annotations: names to single values; anything else is a located problem.</summary>
    private static Dictionary<string, string> Map(YamlNode? node, string at, Action<YamlNode, string, string> problem)
    {
        var result = new Dictionary<string, string>();
        if (node is null)
        {
            return result;
        }
        if (node is not YamlMappingNode map)
        {
            problem(node, at, "expected a mapping of names to values");
            return result;
        }
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name } || value is not YamlScalarNode { Value: { } text })
            {
                problem(key, $"{at}.{(key as YamlScalarNode)?.Value}", "expected a name and a single value");
                continue;
            }
            result[name] = text;
        }
        return result;
    }
}
