using System.CommandLine;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.Running;
using Reliability.Slo.Specs;

namespace Reliability.Cli.Commands;

/// <summary>
/// `validate`: lints YAML files and folders. Chaos Mesh manifests are checked strictly against the CRD
/// schemas; every problem is printed as file:line:column: field: message, and any problem exits 2.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders (searched recursively for *.yaml and *.yml).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check experiment files, SLO specs and Chaos Mesh manifests (against the Chaos Mesh CRD schemas, v2.8).") { paths };
        command.SetAction(parse => LoadTargets.TryCatalog(parse) is { } targets ? Run(parse.GetValue(paths)!, targets) : ExitCodes.InvalidInput);
        return command;
    }

    private static int Run(string[] paths, Reliability.Load.Targets.TargetCatalog targets)
    {
        ChaosMeshSchemas schemas;
        try
        {
            schemas = ChaosMeshSchemas.Load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        var validator = new ManifestValidator(schemas);
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order());
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                Console.Error.WriteLine($"{path}: no such file or folder");
                return ExitCodes.InvalidInput;
            }
        }
        var problems = 0;
        var checkedCount = 0;
        var experiments = 0;
        var sloSpecs = 0;
        foreach (var file in files)
        {
            IEnumerable<object> found;
            if (Reliability.Slo.CloudWatch.CloudWatchSloSpecFile.IsSpec(file))
            {
                sloSpecs++;
                try
                {
                    Reliability.Slo.CloudWatch.CloudWatchSloSpecFile.Load(file);
                    found = [];
                }
                catch (SloSpecException ex)
                {
                    found = ex.Problems;
                }
            }
            else if (SloSpecFile.IsSloSpec(file))
            {
                sloSpecs++;
                try
                {
                    SloSpecFile.Load(file);
                    found = [];
                }
                catch (SloSpecException ex)
                {
                    found = ex.Problems;
                }
            }
            else if (ExperimentFile.IsExperimentFile(file))
            {
                experiments++;
                try
                {
                    ExperimentLoader.Load(file, schemas, targets, strict: false);
                    found = [];
                }
                catch (ManifestException ex)
                {
                    found = ex.Problems;
                }
            }
            else if (ManifestValidator.IsChaosMeshFile(file))
            {
                found = validator.Validate(file);
            }
            else
            {
                continue;
            }
            checkedCount++;
            foreach (var problem in found)
            {
                Console.Error.WriteLine(problem);
                problems++;
            }
        }
        Console.WriteLine($"{checkedCount - experiments - sloSpecs} Chaos Mesh manifest file(s) and {experiments} experiment(s) and {sloSpecs} SLO spec(s) checked, {problems} problem(s); {files.Count - checkedCount} other YAML file(s) skipped; Chaos Mesh objects against the {schemas.Source}.");
        return problems == 0 ? ExitCodes.Passed : ExitCodes.InvalidInput;
    }
}
