using System.Globalization;
using Reliability.Load.Thresholds;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Load.Simulations;

/// <summary>A problem in a simulations file, located by file, line, column and field.</summary>
internal sealed class SimulationFileException(string file, Mark mark, string field, string problem)
    : Exception($"{file}:{mark.Line}:{mark.Column}: {field}: {problem}");

/// <summary>
/// Load profile from YAML:
/// <code>
/// warmUp: 5s
/// simulations:
///   - constantArrivalRate: { rate: 50, duration: 30s, maxConcurrent: 100 }
///   - rampingArrivalRate: { startRate: 0, maxConcurrent: 100, stages: [{ duration: 10s, target: 100 }] }
///   - constantUsers: { users: 10, duration: 30s }
///   - rampingUsers: { startUsers: 0, stages: [{ duration: 10s, target: 20 }] }
///   - pause: { duration: 5s }
///   - iterations: { count: 100, users: 5 }
/// thresholds:
///   - "fail_rate &lt; 1%"
///   - { expression: "p95 &lt; 500ms", abortOnFail: true }
/// </code>
/// </summary>
internal sealed record SimulationFile(TimeSpan WarmUp, IReadOnlyList<LoadSimulation> Simulations, IReadOnlyList<Threshold> Thresholds)
{
    public static SimulationFile Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new SimulationFileException(path, ex.Start, "yaml", ex.Message);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new SimulationFileException(path, Mark.Empty, "document", "expected a mapping with 'simulations'");
        }
        var file = new Reader(path);
        file.OnlyKeys(root, "document", "warmUp", "simulations", "thresholds");
        var warmUp = root.Children.TryGetValue("warmUp", out var w) ? file.Duration(w, "warmUp") : TimeSpan.Zero;
        if (!root.Children.TryGetValue("simulations", out var list) || list is not YamlSequenceNode simulations || simulations.Children.Count == 0)
        {
            throw new SimulationFileException(path, root.Start, "simulations", "a non-empty list is required");
        }
        var parsed = simulations.Children.Select((node, i) => file.Simulation(node, $"simulations[{i}]")).ToList();
        var thresholds = root.Children.TryGetValue("thresholds", out var t) && t is YamlSequenceNode ts
            ? ts.Children.Select((node, i) => file.Threshold(node, $"thresholds[{i}]")).ToList()
            : [];
        return new SimulationFile(warmUp, parsed, thresholds);
    }

    private sealed class Reader(string path)
    {
        public LoadSimulation Simulation(YamlNode node, string field)
        {
            if (node is not YamlMappingNode { Children.Count: 1 } map)
            {
                throw new SimulationFileException(path, node.Start, field, "each simulation is a mapping with exactly one kind");
            }
            var (kindNode, body) = map.Children.First();
            var kind = ((YamlScalarNode)kindNode).Value;
            var args = body as YamlMappingNode ?? throw new SimulationFileException(path, body.Start, $"{field}.{kind}", "expected a mapping of settings");
            LoadSimulation simulation = kind switch
            {
                "constantArrivalRate" => new ConstantArrivalRate(Number(args, "rate", field), Duration(args, "duration", field), (int)Number(args, "maxConcurrent", field)),
                "rampingArrivalRate" => new RampingArrivalRate(Number(args, "startRate", field, 0), Stages(args, field), (int)Number(args, "maxConcurrent", field)),
                "constantUsers" => new ConstantUsers((int)Number(args, "users", field), Duration(args, "duration", field)),
                "rampingUsers" => new RampingUsers((int)Number(args, "startUsers", field, 0), Stages(args, field)),
                "pause" => new Pause(Duration(args, "duration", field)),
                "iterations" => new IterationCount((int)Number(args, "count", field), (int)Number(args, "users", field, 1)),
                _ => throw new SimulationFileException(path, kindNode.Start, field,
                    $"unknown simulation '{kind}' (constantArrivalRate, rampingArrivalRate, constantUsers, rampingUsers, pause, iterations)"),
            };
            try
            {
                simulation.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new SimulationFileException(path, body.Start, $"{field}.{kind}", ex.Message);
            }
            return simulation;
        }

        public Threshold Threshold(YamlNode node, string field)
        {
            try
            {
                return node switch
                {
                    YamlScalarNode scalar => Reliability.Load.Thresholds.Threshold.Parse(scalar.Value ?? ""),
                    YamlMappingNode map => Reliability.Load.Thresholds.Threshold.Parse(Scalar(map, "expression", field),
                        map.Children.TryGetValue("abortOnFail", out var a) && ((YamlScalarNode)a).Value == "true"),
                    _ => throw new FormatException("expected a string or { expression, abortOnFail }"),
                };
            }
            catch (FormatException ex)
            {
                throw new SimulationFileException(path, node.Start, field, ex.Message);
            }
        }

        public void OnlyKeys(YamlMappingNode map, string field, params string[] allowed)
        {
            foreach (var key in map.Children.Keys.Cast<YamlScalarNode>())
            {
                if (!allowed.Contains(key.Value))
                {
                    throw new SimulationFileException(path, key.Start, field, $"unknown field '{key.Value}' (expected {string.Join(", ", allowed)})");
                }
            }
        }

        public TimeSpan Duration(YamlNode node, string field)
        {
            try
            {
                return DurationText.Parse(((YamlScalarNode)node).Value ?? "");
            }
            catch (Exception ex) when (ex is FormatException or InvalidCastException)
            {
                throw new SimulationFileException(path, node.Start, field, $"expected a duration like 30s or 2m");
            }
        }

        private TimeSpan Duration(YamlMappingNode map, string key, string field) =>
            map.Children.TryGetValue(key, out var node) ? Duration(node, $"{field}.{key}") : throw new SimulationFileException(path, map.Start, $"{field}.{key}", "is required");

        private double Number(YamlMappingNode map, string key, string field, double? fallback = null)
        {
            if (!map.Children.TryGetValue(key, out var node))
            {
                return fallback ?? throw new SimulationFileException(path, map.Start, $"{field}.{key}", "is required");
            }
            return node is YamlScalarNode { Value: { } text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new SimulationFileException(path, node.Start, $"{field}.{key}", "expected a number");
        }

        private string Scalar(YamlMappingNode map, string key, string field) =>
            map.Children.TryGetValue(key, out var node) && node is YamlScalarNode { Value: { } text } ? text
                : throw new SimulationFileException(path, map.Start, $"{field}.{key}", "is required");

        private List<RampStage> Stages(YamlMappingNode map, string field)
        {
            if (!map.Children.TryGetValue("stages", out var node) || node is not YamlSequenceNode stages || stages.Children.Count == 0)
            {
                throw new SimulationFileException(path, map.Start, $"{field}.stages", "a non-empty list of { duration, target } is required");
            }
            return stages.Children.Select((s, i) => s is YamlMappingNode stage
                ? new RampStage(Duration(stage, "duration", $"{field}.stages[{i}]"), Number(stage, "target", $"{field}.stages[{i}]"))
                : throw new SimulationFileException(path, s.Start, $"{field}.stages[{i}]", "expected { duration, target }")).ToList();
        }
    }
}
