using System.CommandLine;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.GameDays;
using Reliability.Experiments.Running;
using Reliability.Load.Engine;
using Reliability.Reports;
using Reliability.Slo.Specs;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Cli.Commands;

/// <summary>
/// `gameday`: the README's main job. Runs a game-day plan (default experiments/gamedays/default.yaml) on one
/// embedded environment and writes a report per experiment plus the consolidated one with the resilience score.
/// </summary>
internal static class GameDayCommand
{
    public const string DefaultPlan = "experiments/gamedays/default.yaml";

    public static Command Create()
    {
        var plan = new Option<string>("--plan") { Description = "The game-day plan.", DefaultValueFactory = _ => DefaultPlan };
        var target = new Option<string>("--target") { Description = "Where to run: local (the embedded environment) or kubernetes.", DefaultValueFactory = _ => "local" };
        target.AcceptOnlyFromAmong("local", "kubernetes");
        var output = new Option<string?>("--output") { Description = "Folder for the reports (default artifacts/<timestamp>-gameday-<name>)." };
        var command = new Command("gameday", "Run a game day: its experiments in order on one environment, with steady-state checks and cool-downs, and one consolidated report.")
        {
            plan, target, output,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(plan)!, parse.GetValue(target)!, parse.GetValue(output), ct));
        return command;
    }

    private static async Task<int> RunAsync(string planPath, string target, string? outputDir, CancellationToken ct)
    {
        if (target == "kubernetes")
        {
            await Console.Error.WriteLineAsync("error: game days run on the embedded environment for now; against a cluster, run each experiment with `run <experiment> --target kubernetes`.");
            return ExitCodes.EnvironmentError;
        }
        GameDayPlan plan;
        IReadOnlyList<LoadedExperiment> experiments;
        var options = new EnvironmentOptions();
        try
        {
            plan = GameDayPlan.Load(planPath);
            experiments = GameDayRunner.LoadAll(plan, ChaosMeshSchemas.Load(), strict: true);
            foreach (var experiment in experiments)
            {
                await LocalChaosDriver.ForPlanning(options, experiment.Definition.Seed).PlanAsync(experiment.Faults, ct);
            }
        }
        catch (ManifestException ex)
        {
            foreach (var problem in ex.Problems)
            {
                await Console.Error.WriteLineAsync(problem.ToString());
            }
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        IReadOnlyList<Reliability.Slo.Specs.Slo> slos;
        try
        {
            slos = RunCommand.FindSlos(plan.File);
        }
        catch (SloSpecException ex)
        {
            foreach (var problem in ex.Problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }
            return ExitCodes.InvalidInput;
        }

        LoadHttpClient.UseInlineSocketCompletions();
        var folder = outputDir ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-gameday-{plan.Name}");
        Directory.CreateDirectory(folder);
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
            Console.WriteLine($"environment ready in {environment.StartupTime.TotalSeconds:0.0} s; game day {plan.Name}: {plan.Steps.Count} experiment(s)");
            using var local = new LocalRun(environment);
            var loadConsole = new Reliability.Load.Results.ConsoleProgress(Console.Out, interactive: false);
            var runner = new GameDayRunner(async (experiment, path, token) =>
            {
                var result = await new ExperimentRunner(local.Target(experiment.Definition.Seed, slos), Console.Out, loadConsole).RunAsync(experiment, path, token);
                await ExperimentReport.WriteAsync(result, path, Console.Out);
                return result;
            }, local.SteadyStateProblemAsync, Console.Out);
            GameDayResult day;
            try
            {
                day = await runner.RunAsync(plan, experiments, folder, ct);
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
                : day.Entries.Any(e => e.Skipped is not null || e.Result is { Passed: false, Inconclusive: false }) || day.Entries.Count < plan.Steps.Count
                    ? ExitCodes.HypothesisFailed : ExitCodes.EnvironmentError;
        }
    }
}
