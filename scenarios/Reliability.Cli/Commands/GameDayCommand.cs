using System.CommandLine;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.GameDays;
using Reliability.Experiments.Running;
using Reliability.Load.Targets;
using Reliability.Reports;
using Reliability.Slo.Specs;

namespace Reliability.Cli.Commands;

/// <summary>
/// `gameday`: the README's main job. Runs a game-day plan (default experiments/gamedays/default.yaml) on one
/// embedded environment, or against a cluster with Chaos Mesh, and writes a report per experiment plus the
/// consolidated one with the resilience score.
/// </summary>
internal static class GameDayCommand
{
    public const string DefaultPlan = "experiments/gamedays/default.yaml";

    /// <summary>A plan with its experiments read and validated, and the SLOs they are judged against.</summary>
    internal sealed record LoadedPlan(GameDayPlan Plan, IReadOnlyList<LoadedExperiment> Experiments, IReadOnlyList<Reliability.Slo.Specs.Slo> Slos);

    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The game-day plan.", DefaultValueFactory = _ => DefaultPlan };
        var target = new Option<string>("--target") { Description = "Where to run: local (the embedded environment) or kubernetes.", DefaultValueFactory = _ => "local" };
        target.AcceptOnlyFromAmong("local", "kubernetes");
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and plan every experiment, print what would be injected where, and touch nothing." };
        var output = new Option<string?>("--output") { Description = "Folder for the reports (default artifacts/<timestamp>-gameday-<name>)." };
        var kubernetes = KubernetesOptions.Create();
        var command = new Command("gameday", "Run a game day: its experiments in order on one environment, with steady-state checks and cool-downs, and one consolidated report.")
        {
            plan, target, dryRun, output,
        };
        kubernetes.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            if (LoadTargets.TryCatalog(parse) is not { } targets)
            {
                return Task.FromResult(ExitCodes.InvalidInput);
            }
            return parse.GetValue(target) == "kubernetes"
                ? KubernetesGameDay.RunAsync(parse.GetValue(plan)!, parse.GetValue(dryRun), parse.GetValue(output), kubernetes.Read(parse), targets, ct)
                : RunLocalAsync(parse.GetValue(plan)!, parse.GetValue(dryRun), parse.GetValue(output), targets, ct);
        });
        return command;
    }

    /// <summary>
    /// Reads the plan, its experiments and the SLOs, against <paramref name="schemas"/> (default: the bundled
    /// CRDs); on failure prints why and gives the exit code.
    /// </summary>
    internal static LoadedPlan? TryLoad(string planPath, bool strict, TargetCatalog targets, out int exit, ChaosMeshSchemas? schemas = null)
    {
        exit = ExitCodes.InvalidInput;
        try
        {
            var plan = GameDayPlanFile.Load(planPath);
            var experiments = GameDayRunner.LoadAll(plan, schemas ?? ChaosMeshSchemas.Load(), targets, strict);
            var slos = RunCommand.FindSlos(plan.File);
            RunCommand.CheckSloNames(experiments, slos);
            AlertNames.Check(experiments);
            return new LoadedPlan(plan, experiments, slos);
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

    private static async Task<int> RunLocalAsync(string planPath, bool dryRun, string? outputDir, TargetCatalog targets, CancellationToken ct)
    {
        if (TryLoad(planPath, strict: true, targets, out var exit) is not { } loaded)
        {
            return exit;
        }
        // One environment serves the whole day, so its experiments must ask for the same one.
        var specs = loaded.Experiments.Select(e => e.Definition.Environment).Distinct().ToList();
        if (specs.Count > 1)
        {
            await Console.Error.WriteLineAsync($"{loaded.Plan.File}: experiments: the experiments ask for different environments ({string.Join("; ", loaded.Experiments.Select(e => $"{e.Definition.Name}: database {e.Definition.Environment.Database}, synchronousMode {e.Definition.Environment.SynchronousMode}, backups {(e.Definition.Environment.Backups is null ? "none" : "on")}"))}); a game day runs on one");
            return ExitCodes.InvalidInput;
        }
        var options = LocalRun.Options(specs.FirstOrDefault() ?? EnvironmentSpec.Default);
        try
        {
            // Every experiment is planned against the environment's layout before anything starts.
            foreach (var experiment in loaded.Experiments)
            {
                var plan = await Reliability.Experiments.Drivers.FaultPlan.OfAsync(LocalChaosDriver.ForPlanning(options, experiment.Definition.Seed), experiment.Faults, experiment.Definition.Runbook, ct);
                if (dryRun)
                {
                    Console.WriteLine($"{experiment.Definition.Name} (seed {experiment.Definition.Seed}):");
                    Console.WriteLine(plan.Describe());
                }
            }
        }
        catch (ManifestException ex)
        {
            CommandErrors.Print(ex.Problems);
            return ExitCodes.InvalidInput;
        }
        if (dryRun)
        {
            Console.WriteLine($"dry run of game day {loaded.Plan.Name}: nothing was started or injected");
            return ExitCodes.Passed;
        }

        if (await Levers.RefusesAsync(Levers.Local(), ct))
        {
            return ExitCodes.HypothesisFailed;
        }
        var folder = Folder(outputDir, loaded.Plan);
        var (environment, started) = await LocalBringUp.StartAsync(options, ct);
        if (environment is null)
        {
            return started;
        }
        await using (environment)
        {
            using var local = new LocalRun(environment);
            return await RunDayAsync(loaded, folder, e => local.Target(e.Definition.Seed), local.SteadyStateProblemAsync, Levers.Local(), ct);
        }
    }

    internal static string Folder(string? outputDir, GameDayPlan plan) =>
        outputDir ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-gameday-{plan.Name}");

    /// <summary>Runs the day on a ready environment, writes the consolidated reports and gives the exit code.</summary>
    internal static async Task<int> RunDayAsync(LoadedPlan loaded, string folder, Func<LoadedExperiment, RunTarget> target,
        Func<CancellationToken, Task<string?>> steadyState, Reliability.Experiments.Safety.ISafetyLever lever, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        Console.WriteLine($"game day {loaded.Plan.Name}: {loaded.Plan.Steps.Count} experiment(s)");
        GameDayResult day;
        try
        {
            day = await ConsoleUi.RunAsync($"game day {loaded.Plan.Name}", load =>
            {
                var runner = new GameDayRunner((experiment, path, token) => ExperimentPipeline.RunAsync(experiment, target(experiment), loaded.Slos, path, load, token),
                    steadyState, Console.Out, time: TimeProvider.System) { Lever = lever };
                return runner.RunAsync(loaded.Plan, loaded.Experiments, folder, ct);
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"interrupted: faults rolled back; what ran is in {Path.GetFullPath(folder)}");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}; faults rolled back");
            return ExitCodes.EnvironmentError;
        }
        var markdown = await GameDayReport.WriteAsync(day, folder, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine(markdown.Split("\n### ")[0]);
        Console.WriteLine($"reports: {Path.GetFullPath(folder)} (report.html, summary.md, gameday.json, junit.xml, one folder per experiment); took {day.Took.TotalMinutes:0.0} min");
        return day.Passed ? ExitCodes.Passed
            : day.Entries.Any(e => e.Skipped is not null || e.Result is { Passed: false, Inconclusive: false }) || day.Entries.Count < loaded.Plan.Steps.Count
                ? ExitCodes.HypothesisFailed : ExitCodes.EnvironmentError;
    }
}
