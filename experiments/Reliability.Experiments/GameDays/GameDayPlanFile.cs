using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.GameDays;

/// <summary>Reads a game-day plan (apiVersion reliability.dev/v1alpha1, kind GameDay); every problem with its location.</summary>
internal static class GameDayPlanFile
{
    public static bool IsGameDayFile(string path) =>
        File.ReadLines(path).Any(line => line.TrimStart().StartsWith($"apiVersion: {ExperimentFile.ApiVersion}", StringComparison.Ordinal))
        && File.ReadLines(path).Any(line => line.Trim() == "kind: GameDay");

    public static GameDayPlan Load(string path)
    {
        var root = YamlFields.LoadMapping(path);
        var y = new YamlFields(path);
        y.Only(root, "", "apiVersion", "kind", "metadata", "coolDown", "onFailure", "experiments");
        y.Expect(root, "", "apiVersion", ExperimentFile.ApiVersion);
        y.Expect(root, "", "kind", "GameDay");
        var metadata = y.Map(root, "", "metadata", required: true);
        string name = "", description = "";
        if (metadata is not null)
        {
            y.Only(metadata, "metadata", "name", "description");
            name = y.Name(metadata, "metadata", "name") ?? "";
            description = y.Text(metadata, "metadata", "description") ?? "";
        }
        var coolDown = y.Duration(root, "", "coolDown", allowZero: true) ?? TimeSpan.FromSeconds(15);
        var onFailure = y.Text(root, "", "onFailure") ?? "continue";
        if (onFailure is not ("continue" or "stop"))
        {
            y.Problem(root.Children[new YamlScalarNode("onFailure")], "onFailure", "expected continue or stop");
        }
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var steps = new List<GameDayStep>();
        foreach (var (node, field) in y.List(root, "", "experiments", required: true))
        {
            if (node is not YamlMappingNode step)
            {
                y.Problem(node, field, "expected { path, weight }");
                continue;
            }
            y.Only(step, field, "path", "weight");
            var relative = y.Text(step, field, "path", required: true) ?? "";
            var weight = y.Number(step, field, "weight", above: 0) ?? 1;
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, relative));
            if (relative.Length == 0 && step.Children.ContainsKey(new YamlScalarNode("path")))
            {
                y.Problem(step, $"{field}.path", "must name an experiment file");
            }
            else if (relative.Length > 0 && !System.IO.File.Exists(full))
            {
                y.Problem(step, $"{field}.path", $"no such file: {full}");
            }
            steps.Add(new GameDayStep(relative, full, weight, step.Start.Line, step.Start.Column));
        }
        y.ThrowIfAny();
        return new GameDayPlan(path, name, description.Length == 0 ? null : description, coolDown, onFailure == "stop", steps);
    }
}
