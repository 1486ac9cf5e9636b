using System.Globalization;
using Reliability.Experiments.ChaosMesh;
using Reliability.Load.Simulations;
using Reliability.Evidence.Specs;
using Reliability.Load.Targets;
using Reliability.Load.Thresholds;
using YamlDotNet.Core;
using Reliability.Experiments.Drivers.Local;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.Definitions;

/// <summary>
/// Reads the harness's experiment YAML (apiVersion reliability.dev/v1alpha1, kind Experiment; the README
/// has a commented example). Every problem is reported with file, line, column and field; unknown
/// fields are errors, so a typo cannot silently drop a hypothesis.
/// </summary>
internal static partial class ExperimentFile
{
    public const string ApiVersion = "reliability.dev/v1alpha1";

    /// <summary>Generator processes a sharded load may use on one machine.</summary>
    public const int MaxShards = 64;

    public static bool IsExperimentFile(string path) =>
        File.ReadLines(path).Any(line => line.TrimStart().StartsWith($"apiVersion: {ApiVersion}", StringComparison.Ordinal))
        && File.ReadLines(path).Any(line => line.Trim() == "kind: Experiment");

    /// <param name="targets">The load targets the experiment may name (load.target, default the catalog's first) and their scenarios.</param>
    /// <param name="time">The clock a restore time is checked against (it must have passed).</param>
    public static ExperimentDefinition Load(string path, TargetCatalog targets, TimeProvider? time = null)
    {
        var root = YamlFields.LoadMapping(path);
        var y = new YamlFields(path);
        y.Only(root, "", "apiVersion", "kind", "metadata", "environment", "faults", "load", "timeline", "hypotheses", "stopConditions", "seed", "runbook");
        y.Expect(root, "", "apiVersion", ApiVersion);
        y.Expect(root, "", "kind", "Experiment");
        var metadata = y.Map(root, "", "metadata", required: true);
        string name = "", description = "";
        if (metadata is not null)
        {
            y.Only(metadata, "metadata", "name", "description");
            name = y.Name(metadata, "metadata", "name") ?? "";
            description = y.Text(metadata, "metadata", "description") ?? "";
        }
        var faults = Faults(y, root, path);
        var load = Load(y, y.Map(root, "", "load", required: true), targets);
        var timeline = ReadTimeline(y, y.Map(root, "", "timeline", required: true));
        var hypotheses = ReadHypotheses(y, y.Map(root, "", "hypotheses", required: true));
        var stopItems = y.List(root, "", "stopConditions");
        var stops = stopItems.Where(e => e.Node is not YamlMappingNode).Select(e => y.Parse(e.Node, e.Path, StopCondition.Parse)).ToList();
        var signalStops = stopItems.Where(e => e.Node is YamlMappingNode).Select(e => ReadSignalStop(y, (YamlMappingNode)e.Node, e.Path)).ToList();
        var seed = y.Node(root, "", "seed", required: false) is { } seedNode
            ? y.Parse(seedNode, "seed", t => int.Parse(t, CultureInfo.InvariantCulture))
            : Random.Shared.Next();
        var environment = ReadEnvironment(y, y.Map(root, "", "environment"));
        var runbook = RunbookReader.Read(y, root, environment, time ?? TimeProvider.System);
        y.ThrowIfAny();
        return new ExperimentDefinition(path, name, description.Length == 0 ? null : description, faults, load!, timeline!, hypotheses!, stops, seed)
        {
            Environment = environment,
            AlertStops = [.. signalStops.OfType<AlertStop>()],
            AlarmStops = [.. signalStops.OfType<AlarmStop>()],
            Runbook = runbook,
        };
    }

    /// <summary>A stop condition on an alert, { alert: NAME, labels: { ... } }, or on a CloudWatch alarm, { alarm: NAME }.</summary>
    private static object? ReadSignalStop(YamlFields y, YamlMappingNode map, string field)
    {
        if (map.Children.ContainsKey(new YamlScalarNode("alarm")))
        {
            y.Only(map, field, "alarm");
            return y.Text(map, field, "alarm", required: true) is { Length: > 0 } alarm ? new AlarmStop(alarm) : null;
        }
        y.Only(map, field, "alert", "labels");
        var name = y.Text(map, field, "alert", required: true);
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        return new AlertStop(name, AlertLabelsOf(y, map, field));
    }

    private static EnvironmentSpec ReadEnvironment(YamlFields y, YamlMappingNode? map)
    {
        if (map is null)
        {
            return EnvironmentSpec.Default;
        }
        y.Only(map, "environment", "database", "synchronousMode", "backups");
        var database = y.Text(map, "environment", "database") ?? EnvironmentSpec.Default.Database;
        if (database is not ("single" or "patroni"))
        {
            y.Problem(map.Children[new YamlScalarNode("database")], "environment.database", "expected single or patroni");
        }
        var synchronous = y.Text(map, "environment", "synchronousMode") ?? "false";
        if (synchronous is not ("true" or "false"))
        {
            y.Problem(map.Children[new YamlScalarNode("synchronousMode")], "environment.synchronousMode", "expected true or false");
        }
        else if (synchronous == "true" && database == "single")
        {
            y.Problem(map.Children[new YamlScalarNode("synchronousMode")], "environment.synchronousMode", "synchronous replication needs database: patroni");
        }
        return new EnvironmentSpec(database, synchronous == "true", ReadBackups(y, map, database));
    }

    /// <summary>environment.backups: pgBackRest's schedule and archiving, checked by the environment's own rules.</summary>
    private static BackupsSpec? ReadBackups(YamlFields y, YamlMappingNode environment, string database)
    {
        if (y.Map(environment, "environment", "backups") is not { } map)
        {
            return null;
        }
        const string path = "environment.backups";
        y.Only(map, path, "interval", "scheduled", "archiveTimeout");
        var scheduled = y.Text(map, path, "scheduled") ?? "incremental";
        if (scheduled is not ("incremental" or "differential" or "full"))
        {
            y.Problem(map.Children[new YamlScalarNode("scheduled")], $"{path}.scheduled", "expected incremental, differential or full");
        }
        var defaults = LocalBackups.Defaults;
        var spec = new BackupsSpec(y.Duration(map, path, "interval", allowZero: true) ?? defaults.Interval, scheduled,
            y.Duration(map, path, "archiveTimeout") ?? defaults.ArchiveTimeout);
        if (database != "patroni")
        {
            y.Problem(environment.Children[new YamlScalarNode("backups")], path, "backups need database: patroni (pgBackRest archives the Patroni primary)");
        }
        try
        {
            LocalBackups.Options(spec).Validate();
        }
        catch (ArgumentException ex)
        {
            y.Problem(environment.Children[new YamlScalarNode("backups")], path, ex.Message.Replace("backups: ", "", StringComparison.Ordinal));
        }
        return spec;
    }

    private static List<FaultReference> Faults(YamlFields y, YamlMappingNode root, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var faults = new List<FaultReference>();
        foreach (var (node, field) in y.List(root, "", "faults", required: true))
        {
            if (node is not YamlScalarNode { Value: { Length: > 0 } relative })
            {
                y.Problem(node, field, "expected the path of a Chaos Mesh manifest");
                continue;
            }
            var full = Path.GetFullPath(Path.Combine(folder, relative));
            if (!File.Exists(full))
            {
                y.Problem(node, field, $"no such file: {full}");
                continue;
            }
            faults.Add(new FaultReference(relative, full, node.Start.Line, node.Start.Column));
        }
        return faults;
    }

    private static LoadSpec? Load(YamlFields y, YamlMappingNode? load, TargetCatalog targets)
    {
        if (load is null)
        {
            return null;
        }
        y.Only(load, "load", "target", "scenario", "rate", "users", "maxConcurrent", "timeout", "warmUp", "shards", "readyWithin");
        var targetName = y.Text(load, "load", "target") ?? targets.Default.Name;
        var target = targets.Find(targetName);
        if (target is null)
        {
            y.Problem(load.Children[new YamlScalarNode("target")], "load.target", $"'{targetName}' is not one of {string.Join(", ", targets.Targets.Select(t => t.Name))}");
        }
        var scenario = y.Text(load, "load", "scenario", required: target is not null && target.Scenarios.Count > 1) ?? target?.Scenarios[0] ?? "";
        if (target is not null && load.Children.ContainsKey(new YamlScalarNode("scenario")) && !target.Scenarios.Contains(scenario))
        {
            y.Problem(load.Children[new YamlScalarNode("scenario")], "load.scenario", $"'{scenario}' is not one of {string.Join(", ", target.Scenarios)} (target {target.Name})");
        }
        var rate = y.Number(load, "load", "rate", above: 0);
        var users = y.Integer(load, "load", "users", atLeast: 1);
        if (!load.Children.ContainsKey(new YamlScalarNode("rate")) == !load.Children.ContainsKey(new YamlScalarNode("users")))
        {
            y.Problem(load, "load", "give exactly one of rate (open model, iterations per second) or users (closed model)");
        }
        if (rate is > 100_000)
        {
            y.Problem(load.Children[new YamlScalarNode("rate")], "load.rate", "at most 100000 iterations per second from one harness");
        }
        var maxConcurrent = y.Integer(load, "load", "maxConcurrent", atLeast: 1) ?? (int)Math.Clamp(Math.Ceiling((rate ?? 1) * 2), 10, 10_000);
        var shards = y.Integer(load, "load", "shards", atLeast: 1) ?? 1;
        if (shards > MaxShards)
        {
            y.Problem(load.Children[new YamlScalarNode("shards")], "load.shards", $"at most {MaxShards} generator processes on one machine");
        }
        var readyWithin = y.Duration(load, "load", "readyWithin");
        if (readyWithin is not null && shards == 1)
        {
            y.Problem(load.Children[new YamlScalarNode("readyWithin")], "load.readyWithin", "only sharded load (shards of 2 or more) has pods to wait for");
        }
        return new LoadSpec(targetName, scenario, rate, users, maxConcurrent,
            y.Duration(load, "load", "timeout") ?? TimeSpan.FromSeconds(5),
            y.Duration(load, "load", "warmUp", allowZero: true) ?? TimeSpan.FromSeconds(3), shards, readyWithin);
    }

    private static TimelineSpec? ReadTimeline(YamlFields y, YamlMappingNode? timeline)
    {
        if (timeline is null)
        {
            return null;
        }
        y.Only(timeline, "timeline", "steadyState", "fault", "recovery");
        var steady = y.Duration(timeline, "timeline", "steadyState", required: true) ?? TimeSpan.Zero;
        var fault = y.Duration(timeline, "timeline", "fault", required: true) ?? TimeSpan.Zero;
        var recovery = y.Duration(timeline, "timeline", "recovery", required: true) ?? TimeSpan.Zero;
        if (steady < TimeSpan.FromSeconds(1) || fault < TimeSpan.FromSeconds(1) || recovery < TimeSpan.FromSeconds(1))
        {
            y.Problem(timeline, "timeline", "steadyState, fault and recovery must each be at least 1s");
        }
        return new TimelineSpec(steady, fault, recovery);
    }
}
