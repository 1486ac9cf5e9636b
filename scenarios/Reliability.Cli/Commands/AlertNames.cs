using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.Running;
using Reliability.Slo.Specs;

namespace Reliability.Cli.Commands;

/// <summary>Every alert an experiment expects must be one the rules the environment loads define (the bundled rules.yaml, installed beside the program).</summary>
internal static class AlertNames
{
    /// <summary>The rules file the embedded environment and the Kubernetes PrometheusRule are made from.</summary>
    public static string RulesFile => Path.Combine(AppContext.BaseDirectory, "deploy", "prometheus", "rules.yaml");

    /// <summary>Problems for alert names no rule defines; none when the program has no rules file beside it to check against.</summary>
    public static IReadOnlyList<ManifestProblem> Unknown(IEnumerable<string> experimentFiles)
    {
        if (!File.Exists(RulesFile))
        {
            return [];
        }
        var known = RulesFiles.AlertNames(File.ReadAllText(RulesFile));
        return [.. experimentFiles.SelectMany(file => AlertReferences.Unknown(file, known, RulesFiles.RulesPath))];
    }

    /// <summary>Throws the problems of <see cref="Unknown"/>, if any, as bad input.</summary>
    public static void Check(IEnumerable<LoadedExperiment> experiments)
    {
        var problems = Unknown(experiments.Select(e => e.Definition.File).Distinct());
        if (problems.Count > 0)
        {
            throw new ManifestException(problems);
        }
    }
}
