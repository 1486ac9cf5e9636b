using Reliability.Experiments.ChaosMesh;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.Definitions;

/// <summary>
/// The alert names an experiment file expects (hypotheses.alerts[].name, hypotheses.quietInSteadyState[] and
/// stopConditions[].alert),
/// checked against the alerting rules the environment loads: an alert no rule defines can never fire, so
/// its hypothesis would fail after the whole run instead of at once.
/// </summary>
internal static class AlertReferences
{
    /// <param name="known">The alert names the rules define.</param>
    /// <param name="rules">What to call the rules in a message (a file's path).</param>
    public static IReadOnlyList<ManifestProblem> Unknown(string experimentFile, IReadOnlySet<string> known, string rules)
    {
        var problems = new List<ManifestProblem>();
        var root = YamlFields.LoadMapping(experimentFile);
        var hypotheses = root.Children.TryGetValue(new YamlScalarNode("hypotheses"), out var node) && node is YamlMappingNode map ? map : new YamlMappingNode();
        foreach (var (name, field) in References(hypotheses).Concat(StopReferences(root)))
        {
            if (name.Value is { Length: > 0 } text && !known.Contains(text))
            {
                problems.Add(new ManifestProblem(experimentFile, name.Start.Line, name.Start.Column, field,
                    $"no alerting rule named '{text}' in {rules} (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})"));
            }
        }
        return problems;
    }

    /// <summary>Stop conditions on alerts: an alert no rule defines could never stop the run, a safety net with a hole.</summary>
    private static IEnumerable<(YamlScalarNode Name, string Field)> StopReferences(YamlMappingNode root)
    {
        if (root.Children.TryGetValue(new YamlScalarNode("stopConditions"), out var stops) && stops is YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                if (list.Children[i] is YamlMappingNode stop && stop.Children.TryGetValue(new YamlScalarNode("alert"), out var name) && name is YamlScalarNode scalar)
                {
                    yield return (scalar, $"stopConditions[{i}].alert");
                }
            }
        }
    }

    private static IEnumerable<(YamlScalarNode Name, string Field)> References(YamlMappingNode hypotheses)
    {
        if (hypotheses.Children.TryGetValue(new YamlScalarNode("alerts"), out var alerts) && alerts is YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                if (list.Children[i] is YamlMappingNode alert && alert.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode scalar)
                {
                    yield return (scalar, $"hypotheses.alerts[{i}].name");
                }
            }
        }
        if (hypotheses.Children.TryGetValue(new YamlScalarNode("quietInSteadyState"), out var quiet) && quiet is YamlSequenceNode names)
        {
            for (var i = 0; i < names.Children.Count; i++)
            {
                if (names.Children[i] is YamlScalarNode scalar)
                {
                    yield return (scalar, $"hypotheses.quietInSteadyState[{i}]");
                }
            }
        }
    }
}
