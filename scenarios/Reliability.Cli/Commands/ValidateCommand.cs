using System.CommandLine;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.GameDays;
using Reliability.Experiments.Running;
using Reliability.Load.Targets;
using Reliability.Slo.Specs;

namespace Reliability.Cli.Commands;

/// <summary>
/// `validate`: lints YAML files and folders: experiments (with their manifests, SLO and alert names), game
/// days, SLO specs and Chaos Mesh manifests (against the CRD schemas and the cluster's admission rules).
/// Every problem is printed as file:line:column: field: message, all at once, and any problem exits 2. In a
/// folder, YAML that is none of these is skipped and counted; a file named on the command line must be one.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders (searched recursively for *.yaml and *.yml).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check experiments, game days, SLO specs and Chaos Mesh manifests (against the Chaos Mesh CRD schemas, v2.8, and its admission rules).") { paths };
        command.SetAction(parse => LoadTargets.TryCatalog(parse) is { } targets ? Run(parse.GetValue(paths)!, targets, Console.Out, Console.Error) : ExitCodes.InvalidInput);
        return command;
    }

    /// <param name="loaded">The CRD schemas when the caller has them already (a test validating thousands of files); default the bundled ones.</param>
    internal static int Run(string[] paths, TargetCatalog targets, TextWriter output, TextWriter error, ChaosMeshSchemas? loaded = null)
    {
        ChaosMeshSchemas schemas;
        try
        {
            schemas = loaded ?? ChaosMeshSchemas.Load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        var files = new List<(string File, bool Named)>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order().Select(f => (f, false)));
            }
            else if (File.Exists(path))
            {
                files.Add((path, true));
            }
            else
            {
                error.WriteLine($"{path}: no such file or folder");
                return ExitCodes.InvalidInput;
            }
        }
        var checker = new FileChecker(schemas, targets);
        var problems = 0;
        foreach (var (file, named) in files)
        {
            foreach (var problem in checker.Check(file, named))
            {
                error.WriteLine(problem);
                problems++;
            }
        }
        output.WriteLine($"{checker.Summary}, {problems} problem(s); {files.Count - checker.Checked} other YAML file(s) skipped; Chaos Mesh objects against the {schemas.Source}.");
        return problems == 0 ? ExitCodes.Passed : ExitCodes.InvalidInput;
    }

    /// <summary>Recognises one file's kind and checks it; counts what it checked.</summary>
    private sealed class FileChecker(ChaosMeshSchemas schemas, TargetCatalog targets)
    {
        private readonly ManifestValidator _manifests = new(schemas);
        private int _manifestFiles, _experiments, _gameDays, _sloSpecs;

        public int Checked => _manifestFiles + _experiments + _gameDays + _sloSpecs;

        public string Summary =>
            $"{_manifestFiles} Chaos Mesh manifest file(s), {_experiments} experiment(s), {_gameDays} game day(s) and {_sloSpecs} SLO spec(s) checked";

        public IEnumerable<object> Check(string file, bool named)
        {
            try
            {
                return CheckKnown(file, named);
            }
            catch (ManifestException ex)
            {
                return ex.Problems;
            }
            catch (SloSpecException ex)
            {
                return ex.Problems;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return [new ManifestProblem(file, 0, 0, "(file)", ex.Message)];
            }
        }

        private IEnumerable<object> CheckKnown(string file, bool named)
        {
            if (Reliability.Slo.CloudWatch.CloudWatchSloSpecFile.IsSpec(file))
            {
                _sloSpecs++;
                Reliability.Slo.CloudWatch.CloudWatchSloSpecFile.Load(file);
                return [];
            }
            if (SloSpecFile.IsSloSpec(file))
            {
                _sloSpecs++;
                SloSpecFile.Load(file);
                return [];
            }
            if (ExperimentFile.IsExperimentFile(file))
            {
                _experiments++;
                var experiment = ExperimentLoader.Load(file, schemas, targets, strict: false);
                RunCommand.CheckSloNames([experiment], RunCommand.FindSlos(file));
                return AlertNames.Unknown([file]);
            }
            if (GameDayPlanFile.IsGameDayFile(file))
            {
                _gameDays++;
                return GameDay(file);
            }
            if (ManifestValidator.IsChaosMeshFile(file))
            {
                _manifestFiles++;
                return _manifests.Validate(file);
            }
            return named ? [Unrecognised(file)] : [];
        }

        /// <summary>The plan itself, and that each step names an experiment (each experiment is checked where it is validated itself).</summary>
        private static IEnumerable<object> GameDay(string file)
        {
            var plan = GameDayPlanFile.Load(file);
            return plan.Steps
                .Where(step => !ExperimentFile.IsExperimentFile(step.FullPath))
                .Select(step => new ManifestProblem(file, step.Line, step.Column, "experiments[].path", $"{step.Path} is not an experiment (apiVersion {ExperimentFile.ApiVersion}, kind Experiment)"))
                .ToList();
        }

        private static ManifestProblem Unrecognised(string file)
        {
            var text = File.ReadAllText(file);
            var why = text.Trim().Length == 0 ? "the file is empty"
                : $"no apiVersion and kind the harness knows (experiment or game day: {ExperimentFile.ApiVersion}; Chaos Mesh: {ChaosMeshSchemas.Group}/v1alpha1; SLO spec: sloth.slok.dev/v1 prometheus/v1 or the CloudWatch variant)";
            return new ManifestProblem(file, 1, 1, "(document)", why);
        }
    }
}
