using System.Globalization;
using Reliability.Experiments.ChaosMesh;
using Reliability.Load.Simulations;
using Reliability.Evidence.Specs;
using Reliability.Load.Targets;
using Reliability.Load.Thresholds;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.Definitions;

internal static partial class ExperimentFile
{
    private static Hypotheses? ReadHypotheses(YamlFields y, YamlMappingNode? map)
    {
        if (map is null)
        {
            return null;
        }
        y.Only(map, "hypotheses", "slo", "rto", "writeRto", "rpo", "alerts", "alarms", "quietInSteadyState");
        var objectives = new List<PhaseObjective>();
        var serverObjectives = new List<ServerObjective>();
        if (y.Map(map, "hypotheses", "slo") is { } slo)
        {
            y.Only(slo, "hypotheses.slo", "steady", "fault", "recovery");
            foreach (var phase in Enum.GetValues<Phase>())
            {
                var key = phase.ToString().ToLowerInvariant();
                foreach (var (node, field) in y.List(slo, "hypotheses.slo", key))
                {
                    if (y.Parse(node, field, t => ServerObjective.TryParse(phase, t, node.Start.Line, node.Start.Column)) is { } server)
                    {
                        serverObjectives.Add(server);
                    }
                    else if ((node as YamlScalarNode)?.Value?.TrimStart().StartsWith("sli:", StringComparison.Ordinal) != true)
                    {
                        objectives.Add(new PhaseObjective(phase, y.Parse(node, field, ScenarioThreshold)));
                    }
                }
            }
        }
        RtoHypothesis? rto = null;
        if (y.Map(map, "hypotheses", "rto") is { } r)
        {
            y.Only(r, "hypotheses.rto", "max", "sli", "window", "stableFor");
            var sli = y.Node(r, "hypotheses.rto", "sli", required: false) is { } sliNode
                ? y.Parse(sliNode, "hypotheses.rto.sli", ScenarioThreshold)
                : ScenarioThreshold("fail_rate < 1%");
            rto = new RtoHypothesis(y.Duration(r, "hypotheses.rto", "max", required: true) ?? TimeSpan.Zero, sli,
                y.Duration(r, "hypotheses.rto", "window") ?? TimeSpan.FromSeconds(5),
                y.Duration(r, "hypotheses.rto", "stableFor", allowZero: true) ?? TimeSpan.FromSeconds(10));
        }
        WriteRtoHypothesis? writeRto = null;
        if (y.Map(map, "hypotheses", "writeRto") is { } w)
        {
            y.Only(w, "hypotheses.writeRto", "max", "gap");
            writeRto = new WriteRtoHypothesis(y.Duration(w, "hypotheses.writeRto", "max", required: true) ?? TimeSpan.Zero,
                y.Duration(w, "hypotheses.writeRto", "gap") ?? TimeSpan.FromSeconds(1));
        }
        RpoHypothesis? rpo = null;
        if (y.Map(map, "hypotheses", "rpo") is { } p)
        {
            y.Only(p, "hypotheses.rpo", "maxLostWrites", "maxDataLossWindow");
            rpo = new RpoHypothesis(y.Integer(p, "hypotheses.rpo", "maxLostWrites", atLeast: 0), y.Duration(p, "hypotheses.rpo", "maxDataLossWindow", allowZero: true));
            if (rpo is { MaxLostWrites: null, MaxDataLossWindow: null })
            {
                y.Problem(p, "hypotheses.rpo", "give maxLostWrites, maxDataLossWindow or both");
            }
        }
        var alerts = new List<AlertExpectation>();
        foreach (var (node, field) in y.List(map, "hypotheses", "alerts"))
        {
            if (node is not YamlMappingNode alert)
            {
                y.Problem(node, field, "expected { name, firesWithin, resolvesWithin }");
                continue;
            }
            y.Only(alert, field, "name", "labels", "firesWithin", "resolvesWithin");
            var alertName = y.Text(alert, field, "name", required: true);
            if (alertName is "")
            {
                y.Problem(alert.Children[new YamlScalarNode("name")], $"{field}.name", "an alert name is required");
            }
            alerts.Add(new AlertExpectation(alertName ?? "",
                y.Duration(alert, field, "firesWithin", required: true) ?? TimeSpan.Zero, y.Duration(alert, field, "resolvesWithin"))
            {
                Labels = AlertLabelsOf(y, alert, field),
            });
        }
        var alarms = new List<AlarmExpectation>();
        foreach (var (node, field) in y.List(map, "hypotheses", "alarms"))
        {
            if (node is not YamlMappingNode alarm)
            {
                y.Problem(node, field, "expected { name, firesWithin, resolvesWithin }");
                continue;
            }
            y.Only(alarm, field, "name", "firesWithin", "resolvesWithin");
            alarms.Add(new AlarmExpectation(y.Text(alarm, field, "name", required: true) ?? "",
                y.Duration(alarm, field, "firesWithin", required: true) ?? TimeSpan.Zero, y.Duration(alarm, field, "resolvesWithin")));
        }
        var quiet = new List<string>();
        var quietAlarms = new List<string>();
        foreach (var (node, field) in y.List(map, "hypotheses", "quietInSteadyState"))
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } name })
            {
                quiet.Add(name);
            }
            else if (node is YamlMappingNode quietAlarm)
            {
                // { alarm: NAME }: a CloudWatch alarm beside the Prometheus alerts.
                y.Only(quietAlarm, field, "alarm");
                if (y.Text(quietAlarm, field, "alarm", required: true) is { Length: > 0 } alarmName)
                {
                    quietAlarms.Add(alarmName);
                }
            }
            else
            {
                y.Problem(node, field, "expected an alert name or { alarm: NAME }");
            }
        }
        var hypotheses = new Hypotheses(objectives, rto, rpo, alerts, quiet) { ServerObjectives = serverObjectives, WriteRto = writeRto, Alarms = alarms, QuietAlarms = quietAlarms };
        if (hypotheses.Count == 0)
        {
            y.Problem(map, "hypotheses", "an experiment needs at least one hypothesis");
        }
        return hypotheses;
    }

    private static Threshold ScenarioThreshold(string text)
    {
        var threshold = Threshold.Parse(text);
        if (threshold.Step is not null || threshold.Metric == "dropped")
        {
            throw new FormatException($"'{text}': phase objectives measure whole iterations; steps and dropped arrivals belong to load thresholds");
        }
        return threshold;
    }

    /// <summary>An alert's pinned labels (labels: { severity: page }): names and values, each a single value; null when none.</summary>
    private static Dictionary<string, string>? AlertLabelsOf(YamlFields y, YamlMappingNode alert, string field)
    {
        if (y.Map(alert, field, "labels") is not { } map)
        {
            return null;
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { Length: > 0 } name } && value is YamlScalarNode { Value: { } text })
            {
                labels[name] = text;
            }
            else
            {
                y.Problem(key, $"{field}.labels", "expected label: value pairs, such as severity: page");
            }
        }
        return labels;
    }
}
