using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Reliability.Slo.Specs;
using Reliability.Observe.CloudWatch;

namespace Reliability.Slo.CloudWatch;

/// <summary>A CloudWatch metric with the statistic to read it with (Sum, Average, p95...).</summary>
internal sealed record CloudWatchMetric(string Namespace, string MetricName, IReadOnlyList<MetricDimension> Dimensions, string Stat);

/// <summary>
/// An SLO measured from CloudWatch. Event-based: errors over total (ALB 5xx over RequestCount).
/// Period-based: the share of 5-minute periods whose statistic stays within a threshold
/// (TargetResponseTime p95 at most 0.5 s), as the SRE Workbook's windows-based SLIs.
/// </summary>
internal sealed record CloudWatchSlo(string Name, double Objective, string? Description, CloudWatchMetric? Errors, CloudWatchMetric? Total, CloudWatchMetric? Periods, double? Threshold)
{
    public double ErrorBudget => (double)((100m - (decimal)Objective) / 100m);
}

internal sealed record CloudWatchSloSpec(string File, string Service, IReadOnlyList<CloudWatchSlo> Slos);

/// <summary>Reads <c>version: "cloudwatch/v1"</c> SLO specs; problems are located like every other spec's.</summary>
internal static partial class CloudWatchSloSpecFile
{
    public const string Version = "cloudwatch/v1";

    public static bool IsSpec(string path) =>
        File.ReadLines(path).Any(l => l.Trim() is "version: \"cloudwatch/v1\"" or "version: cloudwatch/v1" or "version: 'cloudwatch/v1'");

    public static CloudWatchSloSpec Load(string path)
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
        Only(root, "", ["version", "service", "dimensions", "slos"], Problem);
        var shared = Dimensions(Child(root, "dimensions"), "dimensions", Problem);
        var slos = new List<CloudWatchSlo>();
        if (Child(root, "slos") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Problem(root, "slos", "a non-empty list is required");
        }
        else
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                var at = $"slos[{i}]";
                if (list.Children[i] is not YamlMappingNode map)
                {
                    Problem(list.Children[i], at, "expected a mapping");
                    continue;
                }
                Only(map, at, ["name", "objective", "description", "sli"], Problem);
                if (!double.TryParse(Text(map, "objective"), NumberStyles.Float, CultureInfo.InvariantCulture, out var objective) || !double.IsFinite(objective) || objective is <= 0 or >= 100)
                {
                    Problem(Child(map, "objective") ?? map, $"{at}.objective", "a percentage strictly between 0 and 100 is required");
                }
                if (Text(map, "name") is not { Length: > 0 })
                {
                    Problem(Child(map, "name") ?? map, $"{at}.name", "a name is required (a single value)");
                }
                var sli = Child(map, "sli") as YamlMappingNode;
                if (sli is null)
                {
                    Problem(map, $"{at}.sli", "is required: errors and total, or periods and threshold");
                    continue;
                }
                Only(sli, $"{at}.sli", ["errors", "total", "periods", "threshold"], Problem);
                var errors = Metric(Child(sli, "errors"), $"{at}.sli.errors", shared, Problem);
                var total = Metric(Child(sli, "total"), $"{at}.sli.total", shared, Problem);
                var periods = Metric(Child(sli, "periods"), $"{at}.sli.periods", shared, Problem);
                double? threshold = double.TryParse(Text(sli, "threshold"), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && double.IsFinite(t) ? t : null;
                if (Child(sli, "threshold") is { } thresholdNode && threshold is null)
                {
                    Problem(thresholdNode, $"{at}.sli.threshold", "a finite number is required");
                }
                if ((errors is null || total is null) == (periods is null || threshold is null))
                {
                    Problem(sli, $"{at}.sli", "give either errors and total (events), or periods and threshold (time slices)");
                }
                slos.Add(new CloudWatchSlo(Text(map, "name") ?? "", objective, Text(map, "description"), errors, total, periods, threshold));
            }
        }
        var service = Text(root, "service") ?? "";
        if (Text(root, "version") != Version || service.Length == 0)
        {
            Problem(root, "version", $"expected version \"{Version}\" and a service");
        }
        return problems.Count > 0 ? throw new SloSpecException(problems) : new CloudWatchSloSpec(path, service, slos);
    }

    private static CloudWatchMetric? Metric(YamlNode? node, string at, IReadOnlyList<MetricDimension> shared, Action<YamlNode, string, string> problem)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            problem(node, at, "expected { namespace, metric, stat, dimensions }");
            return null;
        }
        Only(map, at, ["namespace", "metric", "stat", "dimensions"], problem);
        var ns = Text(map, "namespace");
        var metric = Text(map, "metric");
        var stat = Text(map, "stat");
        if (ns is not { Length: > 0 } || metric is not { Length: > 0 } || stat is not { Length: > 0 })
        {
            problem(map, at, "namespace, metric and stat are required, each a single value");
            return null;
        }
        if (!Statistic().IsMatch(stat))
        {
            problem(Child(map, "stat")!, $"{at}.stat", $"'{stat}' is not a CloudWatch statistic (Sum, Average, Minimum, Maximum, SampleCount, IQM, or a percentile such as p95, tm99, wm90, tc95, ts95, pr95)");
            return null;
        }
        var dimensions = Dimensions(Child(map, "dimensions"), $"{at}.dimensions", problem);
        return new CloudWatchMetric(ns, metric, dimensions.Count > 0 ? dimensions : shared, stat);
    }

    private static List<MetricDimension> Dimensions(YamlNode? node, string at, Action<YamlNode, string, string> problem)
    {
        if (node is null)
        {
            return [];
        }
        if (node is not YamlMappingNode map)
        {
            problem(node, at, "expected a mapping of dimension names to values");
            return [];
        }
        var dimensions = new List<MetricDimension>();
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name } || value is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                problem(key, $"{at}.{(key as YamlScalarNode)?.Value}", "a dimension is a name and a non-empty single value");
                continue;
            }
            dimensions.Add(new MetricDimension(name, text));
        }
        return dimensions;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(Sum|Average|Minimum|Maximum|SampleCount|IQM|(p|tm|wm|tc|ts|pr)\d{1,2}(\.\d+)?)$")]
    private static partial System.Text.RegularExpressions.Regex Statistic();

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
}
