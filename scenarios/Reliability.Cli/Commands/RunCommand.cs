using System.CommandLine;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Running;
using Reliability.Experiments.Verdicts;
using Reliability.Load.Engine;
using Reliability.Slo.Prometheus;
using Reliability.Slo.Specs;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

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
        command.SetAction((parse, ct) => parse.GetValue(target) == "kubernetes"
            ? KubernetesRun.RunAsync(parse.GetValue(file)!, parse.GetValue(dryRun), parse.GetValue(output), kubernetes.Read(parse), ct)
            : RunLocalAsync(parse.GetValue(file)!, parse.GetValue(dryRun), parse.GetValue(output), ct));
        return command;
    }

    /// <summary>
    /// Reads the experiment and its manifests, against <paramref name="schemas"/> (default: the bundled CRDs);
    /// on failure prints why and gives the exit code (2 bad input, 3 schemas missing).
    /// </summary>
    internal static LoadedExperiment? TryLoad(string path, bool strict, out int exit, ChaosMeshSchemas? schemas = null)
    {
        exit = ExitCodes.InvalidInput;
        try
        {
            return ExperimentLoader.Load(path, schemas ?? ChaosMeshSchemas.Load(), strict);
        }
        catch (ManifestException ex)
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

    private static async Task<int> RunLocalAsync(string path, bool dryRun, string? outputDir, CancellationToken ct)
    {
        var experiment = TryLoad(path, strict: true, out var exit);
        if (experiment is null)
        {
            return exit;
        }
        var options = LocalRun.Options(experiment.Definition.Environment);
        try
        {
            // Planned against the environment's layout first: a selector that matches nothing fails before anything starts.
            var plan = await LocalChaosDriver.ForPlanning(options, experiment.Definition.Seed).PlanAsync(experiment.Faults, ct);
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

        LoadHttpClient.UseInlineSocketCompletions();
        var folder = outputDir ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{experiment.Definition.Name}");
        LocalEnvironment environment;
        try
        {
            environment = await LocalEnvironment.StartAsync(options, Console.Out, ct);
        }
        catch (Exception ex) when (ex is PrerequisiteException or ComponentStartException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        await using (environment)
        {
            Console.WriteLine($"environment ready in {environment.StartupTime.TotalSeconds:0.0} s at {environment.EntryPoint}");
            using var local = new LocalRun(environment);
            using var warmUp = new EnvironmentWarmUp(environment, Console.Out);
            if (!await warmUp.RunAsync(ct))
            {
                await Console.Error.WriteLineAsync("interrupted while warming the environment; nothing was injected");
                return ExitCodes.Interrupted;
            }
            var target = local.Target(experiment.Definition.Seed, []);
            return await ExecuteAsync(experiment, target, folder, ct);
        }
    }

    internal static async Task<int> ExecuteAsync(LoadedExperiment experiment, RunTarget target, string folder, CancellationToken ct)
    {
        try
        {
            target = target with { Slos = FindSlos(experiment.Definition.File) };
        }
        catch (SloSpecException ex)
        {
            CommandErrors.Print(ex.Problems);
            return ExitCodes.InvalidInput;
        }
        ExperimentResult result;
        try
        {
            result = await ConsoleUi.RunAsync(experiment.Definition.Name,
                load => new ExperimentRunner(target, Console.Out, load).RunAsync(experiment, folder, ct));
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
        await ExperimentReport.WriteAsync(result, folder, Console.Out);
        return result.Passed ? ExitCodes.Passed : result.Verdicts.Any(v => v.Status == VerdictStatus.Failed) || result.Outcome != ExperimentOutcome.Completed
            ? ExitCodes.HypothesisFailed : ExitCodes.EnvironmentError;
    }
}
