using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Reliability.Sut.Local.Monitoring;

/// <summary>
/// Rewrites a Prometheus rule file for local time: every `for:`, `keep_firing_for:` and range selector
/// is multiplied by the time scale (never below the minimum range), everything else is left as written.
/// </summary>
internal static partial class RuleCompressor
{
    public static string Compress(string rulesYaml, MonitoringTimings timings)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(rulesYaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var group in ((YamlSequenceNode)root.Children[new YamlScalarNode("groups")]).Children.Cast<YamlMappingNode>())
        {
            if (group.Children.TryGetValue(new YamlScalarNode("interval"), out _))
            {
                group.Children.Remove(new YamlScalarNode("interval"));
            }
            foreach (var rule in ((YamlSequenceNode)group.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>())
            {
                foreach (var key in new[] { "for", "keep_firing_for" })
                {
                    if (rule.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { } value })
                    {
                        rule.Children[new YamlScalarNode(key)] = new YamlScalarNode(PromDuration.Format(Scale(PromDuration.Parse(value), timings, TimeSpan.Zero)));
                    }
                }
                if (rule.Children.TryGetValue(new YamlScalarNode("expr"), out var expr) && expr is YamlScalarNode { Value: { } text })
                {
                    rule.Children[new YamlScalarNode("expr")] = new YamlScalarNode(CompressRanges(text, timings)) { Style = YamlDotNet.Core.ScalarStyle.Literal };
                }
            }
        }
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    internal static string CompressRanges(string expression, MonitoringTimings timings) =>
        Range().Replace(expression, m =>
        {
            var range = PromDuration.Format(Scale(PromDuration.Parse(m.Groups[1].Value), timings, timings.MinimumRange));
            return m.Groups[2].Success
                ? $"[{range}:{PromDuration.Format(Scale(PromDuration.Parse(m.Groups[2].Value), timings, timings.ScrapeInterval))}]"
                : $"[{range}]";
        });

    private static TimeSpan Scale(TimeSpan value, MonitoringTimings timings, TimeSpan floor)
    {
        var scaled = TimeSpan.FromMilliseconds(Math.Round(value.TotalMilliseconds * timings.RuleTimeScale));
        return scaled < floor ? floor : scaled;
    }

    // [5m] and subqueries [1h:5m]. A character class in a label regex ("5[0-9]") has no unit, so it never matches.
    [GeneratedRegex(@"\[(\d+(?:ms|s|m|h|d|w|y)(?:\d+(?:ms|s|m|h|d|w|y))*)(?::(\d+(?:ms|s|m|h|d|w|y)(?:\d+(?:ms|s|m|h|d|w|y))*))?\]")]
    private static partial Regex Range();
}
