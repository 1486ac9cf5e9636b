using System.Globalization;
using Reliability.Evidence.Specs;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.Definitions;

/// <summary>
/// Reads an experiment's runbook: a list of steps, each a one-field mapping (or a bare name):
/// <c>wait: 30s</c>, <c>restore: latest | backup | { time: 2026-12-07T10:00:00Z } | { beforeFault: 30s }</c>,
/// <c>backup: full</c>, <c>replicas</c>. Problems are located: an unknown step, a restore to a moment not yet
/// come, a restore or backup with no repository (environment.backups), steps out of order.
/// </summary>
internal static class RunbookReader
{
    public static readonly string[] Steps = ["wait", "restore", "backup", "replicas"];

    public static IReadOnlyList<RunbookStep> Read(YamlFields y, YamlMappingNode root, EnvironmentSpec environment, TimeProvider time)
    {
        var steps = new List<RunbookStep>();
        foreach (var (node, path) in y.List(root, "", "runbook"))
        {
            var (action, value) = node switch
            {
                YamlScalarNode { Value: { } name } => (name, (YamlNode?)null),
                YamlMappingNode { Children.Count: 1 } map => ((map.Children.Keys.Single() as YamlScalarNode)?.Value ?? "", map.Children.Values.Single()),
                _ => ("", null),
            };
            if (!Steps.Contains(action))
            {
                y.Problem(node, path, action.Length == 0
                    ? $"expected one step, such as '- restore: latest' (steps: {string.Join(", ", Steps)})"
                    : $"'{action}' is not a runbook step (steps: {string.Join(", ", Steps)})");
                continue;
            }
            var field = $"{path}.{action}";
            RunbookStep? step = action switch
            {
                "wait" => Wait(y, value ?? node, field),
                "restore" => Restore(y, value ?? node, field, time),
                "backup" => Backup(y, value ?? node, field),
                _ => Replicas(y, value, node, field),
            };
            if (step is null)
            {
                continue;
            }
            if (step is RunbookRestore or RunbookBackup && environment.Backups is null)
            {
                y.Problem(node, field, $"there is no backup repository to {(action == "restore" ? "restore from" : "back up to")}: give the environment one (environment.backups: {{ interval: 1m }}), as production needs one before this runbook can work");
            }
            if (step is RunbookBackup or RunbookReplicas && !steps.OfType<RunbookRestore>().Any())
            {
                y.Problem(node, field, $"{action} comes after a restore: there is no database to {(action == "backup" ? "back up" : "replicate")} before one");
            }
            steps.Add(step);
        }
        return steps;
    }

    private static RunbookWait? Wait(YamlFields y, YamlNode node, string field) =>
        y.Parse<TimeSpan?>(node, field, t => Reliability.Load.Simulations.DurationText.Parse(t)) is { } d ? new RunbookWait(d, node.Start.Line, node.Start.Column) : null;

    private static RunbookRestore? Restore(YamlFields y, YamlNode node, string field, TimeProvider time)
    {
        if (node is YamlScalarNode { Value: "latest" or "backup" } target)
        {
            return new RunbookRestore(target.Value!, null, null, node.Start.Line, node.Start.Column);
        }
        if (node is not YamlMappingNode map || map.Children.Count != 1)
        {
            y.Problem(node, field, "expected latest (to the end of the archived WAL), backup (the newest backup only), { time: 2026-12-07T10:00:00Z } or { beforeFault: 30s }");
            return null;
        }
        y.Only(map, field, "time", "beforeFault");
        if (y.Duration(map, field, "beforeFault") is { } before)
        {
            return new RunbookRestore("time", null, before, node.Start.Line, node.Start.Column);
        }
        if (y.Node(map, field, "time", required: false) is not { } timeNode)
        {
            return null;
        }
        var at = y.Parse<DateTimeOffset?>(timeNode, $"{field}.time", t => DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v)
            ? v : throw new FormatException($"'{t}' is not a time such as 2026-12-07T10:00:00Z"));
        if (at is { } moment && moment > time.GetUtcNow())
        {
            y.Problem(timeNode, $"{field}.time", $"{moment:O} is in the future (now {time.GetUtcNow():O}): a restore goes back to a moment the archive has already passed");
            return null;
        }
        return at is null ? null : new RunbookRestore("time", at, null, node.Start.Line, node.Start.Column);
    }

    private static RunbookBackup? Backup(YamlFields y, YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: "full" })
        {
            return new RunbookBackup("full", node.Start.Line, node.Start.Column);
        }
        y.Problem(node, field, "expected full: a restored database is on a new timeline, and its first backup must be full");
        return null;
    }

    private static RunbookReplicas? Replicas(YamlFields y, YamlNode? value, YamlNode node, string field)
    {
        if (value is not null and not YamlScalarNode { Value: null or "" or "all" })
        {
            y.Problem(value, field, "expected '- replicas' or '- replicas: all': every member other than the restored primary is rebuilt");
            return null;
        }
        return new RunbookReplicas(node.Start.Line, node.Start.Column);
    }
}
