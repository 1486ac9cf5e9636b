using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Running;
using Reliability.Load.Targets;

namespace Reliability.Experiments.GameDays;

/// <summary>
/// Runs a game day's experiments in order: every experiment file is read and checked before the first
/// one starts; before each, the target must be in its steady state (the check is the target's own, e.g.
/// every replica ready); between them, the cool-down. A failure stops the day when the plan says so.
/// </summary>
internal sealed class GameDayRunner(
    Func<LoadedExperiment, string, CancellationToken, Task<ExperimentResult>> runExperiment,
    Func<CancellationToken, Task<string?>> steadyStateProblem,
    TextWriter console,
    TimeProvider time)
{
    private readonly TimeProvider _time = time;

    /// <summary>The safety lever: while engaged, no further experiment starts and the day ends (null: none).</summary>
    public Safety.ISafetyLever? Lever { get; init; }

    public async Task<GameDayResult> RunAsync(GameDayPlan plan, IReadOnlyList<LoadedExperiment> experiments, string folder, CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        var clock = _time.GetTimestamp();
        var entries = new List<GameDayEntry>();
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            var experiment = experiments[i];
            var name = experiment.Definition.Name;
            var target = Path.Combine(folder, $"{i + 1:00}-{name}");
            if (i > 0)
            {
                await console.WriteLineAsync($"cool-down {plan.CoolDown.TotalSeconds:0} s");
                await Task.Delay(plan.CoolDown, _time, ct);
            }
            if (Lever is not null && await Lever.ReadAsync(ct) is { Engaged: true } lever)
            {
                entries.Add(new GameDayEntry(step, name, null, $"the safety lever is {lever} ({Lever.Location})", target));
                await console.WriteLineAsync($"the safety lever is {lever} ({Lever.Location}): the day ends before {name}");
                break;
            }
            if (await steadyStateProblem(ct) is { } problem)
            {
                entries.Add(new GameDayEntry(step, name, null, $"the target was not in its steady state: {problem}", target));
                await console.WriteLineAsync($"skipping {name}: {problem}");
                if (plan.StopOnFailure)
                {
                    break;
                }
                continue;
            }
            await console.WriteLineAsync($"== experiment {i + 1}/{plan.Steps.Count}: {name}");
            var result = await runExperiment(experiment, target, ct);
            entries.Add(new GameDayEntry(step, name, result, null, target));
            await console.WriteLineAsync($"== {name}: {(result.Passed ? "passed" : result.Inconclusive ? "inconclusive" : "FAILED")}");
            if (!result.Passed && plan.StopOnFailure)
            {
                await console.WriteLineAsync("the plan stops on failure");
                break;
            }
        }
        var score = ResilienceScore.Of([.. plan.Steps.Select(s => (s.Weight, entries.FirstOrDefault(e => e.Step == s)?.Result))]);
        return new GameDayResult(plan, entries, score, started, _time.GetElapsedTime(clock));
    }

    /// <summary>Reads every experiment of the plan; all problems at once, before anything runs.</summary>
    public static IReadOnlyList<LoadedExperiment> LoadAll(GameDayPlan plan, ChaosMeshSchemas schemas, TargetCatalog targets, bool strict)
    {
        var problems = new List<ManifestProblem>();
        var loaded = new List<LoadedExperiment>();
        foreach (var step in plan.Steps)
        {
            try
            {
                loaded.Add(ExperimentLoader.Load(step.FullPath, schemas, targets, strict));
            }
            catch (ManifestException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        return problems.Count > 0 ? throw new ManifestException(problems) : loaded;
    }
}
