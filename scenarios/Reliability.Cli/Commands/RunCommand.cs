using System.CommandLine;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Running;
using Reliability.Evidence.Results;
using Reliability.Load.Targets;
using Reliability.Slo.Specs;

namespace Reliability.Cli.Commands;

/// <summary>`run`: one experiment on the embedded environment (or, with --target kubernetes, a cluster with Chaos Mesh).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("experiment") { Description = "The experiment YAML, e.g. experiments/pod-kill.yaml." };
        var target = new Option<string>("--target") { Description = "local (the embedded environment) or kubernetes.", DefaultValueFactory = _ => "local" };
        target.AcceptOnlyFromAmong("local", "kubernetes");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be injected where, and touch nothing." };
        var output = new Option<string?>("--output") { Description = "Folder for the journal, ledger and results (default artifacts/<timestamp>-<experiment>)." };
        var kubernetes = KubernetesOptions.Create();
        var command = new Command("run", "Run one chaos experiment: steady state, fault, recovery, with load, evidence and verdicts.")
        {
            file, target, dryRun, output,
        };
        kubernetes.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            if (LoadTargets.TryCatalog(parse) is not { } targets)
            {
                return Task.FromResult(ExitCodes.InvalidInput);
            }
            return parse.GetValue(target) == "kubernetes"
                ? KubernetesRun.RunAsync(parse.GetValue(file)!, parse.GetValue(dryRun), parse.GetValue(output), kubernetes.Read(parse), targets, ct)
                : RunLocalAsync(parse.GetValue(file)!, parse.GetValue(dryRun), parse.GetValue(output), targets, ct);
        });
        return command;
    }

    /// <summary>An experiment with the SLOs it is judged against, read and checked before anything starts.</summary>
    internal sealed record Prepared(LoadedExperiment Experiment, IReadOnlyList<Reliability.Slo.Specs.Slo> Slos);

    /// <summary>
    /// Reads the experiment, its manifests (against <paramref name="schemas"/>, default the bundled CRDs) and the
    /// SLOs beside it, and checks every "sli:" name; on failure prints why and gives the exit code (2 bad input, 3 schemas missing).
    /// </summary>
    internal static Prepared? TryLoad(string path, bool strict, TargetCatalog targets, out int exit, ChaosMeshSchemas? schemas = null)
    {
        exit = ExitCodes.InvalidInput;
        try
        {
            var experiment = ExperimentLoader.Load(path, schemas ?? ChaosMeshSchemas.Load(), targets, strict);
            var slos = FindSlos(path);
            CheckSloNames([experiment], slos);
            AlertNames.Check([experiment]);
            return new Prepared(experiment, slos);
        }
        catch (ManifestException ex)
        {
            CommandErrors.Print(ex.Problems);
        }
        catch (SloSpecException ex)
        {
            CommandErrors.Print(ex.Problems);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            exit = ExitCodes.EnvironmentError;
        }
        return null;
    }

    /// <summary>Every "sli:" objective must name an SLO of the specs; reported at its place in the experiment file.</summary>
    internal static void CheckSloNames(IEnumerable<LoadedExperiment> experiments, IReadOnlyList<Reliability.Slo.Specs.Slo> slos)
    {
        var problems = experiments.SelectMany(e => e.Definition.Hypotheses.ServerObjectives.Where(o => slos.All(s => s.Name != o.Slo))
            .Select(o => new ManifestProblem(e.Definition.File, o.Line, o.Column, $"hypotheses.slo.{o.Phase.ToString().ToLowerInvariant()}",
                $"no SLO named '{o.Slo}' in slo/specs (known: {string.Join(", ", slos.Select(s => s.Name))})"))).ToList();
        if (problems.Count > 0)
        {
            throw new ManifestException(problems);
        }
    }

    /// <summary>The SLOs of the nearest slo/specs above the experiment file or the current folder (none if there is none).</summary>
    internal static IReadOnlyList<Reliability.Slo.Specs.Slo> FindSlos(string experimentFile)
    {
        foreach (var start in new[] { Path.GetDirectoryName(Path.GetFullPath(experimentFile))!, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var specs = Path.Combine(dir.FullName, "slo", "specs");
                if (Directory.Exists(specs))
                {
                    return [.. RulesFiles.LoadSpecs(specs).SelectMany(s => s.Slos)];
                }
            }
        }
        return [];
    }

    private static async Task<int> RunLocalAsync(string path, bool dryRun, string? outputDir, TargetCatalog targets, CancellationToken ct)
    {
        if (TryLoad(path, strict: true, targets, out var exit) is not { } prepared)
        {
            return exit;
        }
        var experiment = prepared.Experiment;
        var options = LocalRun.Options(experiment.Definition.Environment);
        try
        {
            // Planned against the environment's layout first: a selector that matches nothing fails before anything starts.
            var plan = await Reliability.Experiments.Drivers.FaultPlan.OfAsync(LocalChaosDriver.ForPlanning(options, experiment.Definition.Seed), experiment.Faults, experiment.Definition.Runbook, ct);
            if (dryRun)
            {
                Console.WriteLine($"dry run of {experiment.Definition.Name} (seed {experiment.Definition.Seed}); nothing is started or injected");
                Console.WriteLine(plan.Describe());
                return ExitCodes.Passed;
            }
        }
        catch (ManifestException ex)
        {
            CommandErrors.Print(ex.Problems);
            return ExitCodes.InvalidInput;
        }

        if (await Levers.RefusesAsync(Levers.Local(), ct))
        {
            return ExitCodes.HypothesisFailed;
        }
        var folder = outputDir ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{experiment.Definition.Name}");
        var (environment, started) = await LocalBringUp.StartAsync(options, ct);
        if (environment is null)
        {
            return started;
        }
        await using (environment)
        {
            using var local = new LocalRun(environment);
            return await ExecuteAsync(prepared, local.Target(experiment.Definition.Seed), folder, ct);
        }
    }

    internal static async Task<int> ExecuteAsync(Prepared prepared, RunTarget target, string folder, CancellationToken ct)
    {
        ExperimentResult result;
        try
        {
            result = await ConsoleUi.RunAsync(prepared.Experiment.Definition.Name,
                load => ExperimentPipeline.RunAsync(prepared.Experiment, target, prepared.Slos, folder, load, ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"interrupted: faults rolled back; the journal so far is in {Path.GetFullPath(folder)}");
            return ExitCodes.Interrupted;
        }
        catch (ManifestException ex)
        {
            CommandErrors.Print(ex.Problems);
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}; faults rolled back; journal in {Path.GetFullPath(folder)}");
            return ExitCodes.EnvironmentError;
        }
        return ExitCode(result);
    }

    internal static int ExitCode(ExperimentResult result) =>
        result.Passed ? ExitCodes.Passed
        : result.Verdicts.Any(v => v.Status == VerdictStatus.Failed) || result.Outcome != ExperimentOutcome.Completed ? ExitCodes.HypothesisFailed
        : ExitCodes.EnvironmentError;
}
