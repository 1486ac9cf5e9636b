using System.Globalization;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Results;
using Reliability.Load.Scenarios;
using Reliability.Load.Sharding;
using Reliability.Load.Simulations;
using Reliability.Load.Targets;

namespace Reliability.Cli.Commands;

internal static partial class LoadCommand
{
    /// <summary>What a load run does, validated: the target's scenario, its simulations, the request timeout and the base address.</summary>
    private sealed record LoadPlan(ILoadTarget Target, string Scenario, SimulationFile Profile, TimeSpan Timeout, Uri BaseAddress, int Seed = 0);

    /// <summary>`--shards N` (the coordinator), or `--shard i/N` (one of its generator processes).</summary>
    private static async Task<int> RunShardedAsync(LoadArgs args, LoadPlan plan, CancellationToken ct)
    {
        if (args.Shard is { } text)
        {
            if (!ExecutionSegment.TryParse(text, out var segment))
            {
                await Console.Error.WriteLineAsync($"error: --shard '{text}' is not of the form i/N with 0 <= i < N");
                return ExitCodes.InvalidInput;
            }
            DateTimeOffset? startAt = null;
            if (args.StartAt is { } at)
            {
                if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
                {
                    await Console.Error.WriteLineAsync($"error: --start-at '{at}' is not a time");
                    return ExitCodes.InvalidInput;
                }
                startAt = parsed;
            }
            return await RunShardAsync(args, plan, segment, startAt, ct);
        }
        if (args.Shards < 1)
        {
            await Console.Error.WriteLineAsync($"error: --shards must be at least 1, got {args.Shards}");
            return ExitCodes.InvalidInput;
        }
        return await CoordinateAsync(args, plan, ct);
    }

    private static async Task<int> RunShardAsync(LoadArgs args, LoadPlan plan, ExecutionSegment segment, DateTimeOffset? startAt, CancellationToken ct)
    {
        var folder = args.Output ?? Path.Combine(Path.GetTempPath(), $"reliability-shard-{segment.Index}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        using var http = LoadHttpClient.Create(plan.BaseAddress, plan.Timeout);
        var runner = new ShardRunner(segment, Console.Out, TimeProvider.System) { StartAt = startAt };
        if (startAt is null)
        {
            return await runner.RunAsync(http, ledger => CreateScenario(plan, ledger), Path.Combine(folder, "write-ledger.jsonl"), Console.In, ct);
        }
        // A pod of an Indexed Job: SIGTERM (the coordinator deleted the pod, or the Job) means "stop and report", and the
        // kubelet's SIGKILL after the grace period ends it if it cannot.
        return await runner.RunAsync(http, ledger => CreateScenario(plan, ledger), Path.Combine(folder, "write-ledger.jsonl"), null,
            CancellationToken.None, stopRequested: ct);
    }

    private static async Task<int> CoordinateAsync(LoadArgs args, LoadPlan plan, CancellationToken ct)
    {
        var folder = args.Output ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-load-{args.Scenario}");
        Directory.CreateDirectory(folder);
        var whole = new Scenario
        {
            Name = plan.Scenario,
            Run = _ => Task.CompletedTask,
            Simulations = plan.Profile.Simulations,
            WarmUp = plan.Profile.WarmUp,
            Thresholds = plan.Profile.Thresholds,
        };
        var forwarded = Forwarded(Environment.GetCommandLineArgs().Skip(1).ToList(), plan.BaseAddress);
        ShardedRun outcome;
        if (args.Generators == "kubernetes")
        {
            if (await RunOnKubernetesAsync(args, whole, forwarded, folder, ct) is not { } onKubernetes)
            {
                return ExitCodes.InvalidInput;
            }
            outcome = onKubernetes;
        }
        else
        {
            Console.WriteLine($"{args.Shards} shards on this machine, together: {string.Join("; ", whole.Simulations.Select(s => s.Describe()))}");
            await using var shards = LocalShards.Start(args.Shards,
                i => [.. forwarded, "--output", Path.Combine(folder, "shards", $"{i}"), "--shard", $"{i}/{args.Shards}"], folder);
            outcome = await new ShardCoordinator(shards, whole, TimeProvider.System, ConsoleProgress.ForConsole()).RunAsync(ct);
        }
        if (outcome.Run is not { } run)
        {
            await Console.Error.WriteLineAsync($"error: {outcome.Failure}. No result is written: a part of the load must not pass for the whole.");
            return outcome.Interrupted ? ExitCodes.Interrupted : ExitCodes.EnvironmentError;
        }
        Console.WriteLine();
        Console.WriteLine(SummaryTable.Render(run));
        await File.WriteAllTextAsync(Path.Combine(folder, "load-result.json"), (LoadReport.From(run) with { Shards = args.Shards }).ToJson(), CancellationToken.None);
        await WriteLedger.WriteAllAsync(Path.Combine(folder, "write-ledger.jsonl"), outcome.Ledger);
        Console.WriteLine($"results: {Path.GetFullPath(folder)} ({outcome.Ledger.Count(e => !e.Indeterminate)} acknowledged writes in the merged ledger of {args.Shards} shards)");
        return run.Passed ? ExitCodes.Passed : ExitCodes.HypothesisFailed;
    }

    private static Scenario CreateScenario(LoadPlan plan, WriteLedger ledger) =>
        plan.Target.Create(plan.Scenario, new TargetContext(ledger, TimeProvider.System)) with
        {
            Simulations = plan.Profile.Simulations,
            WarmUp = plan.Profile.WarmUp,
            Thresholds = plan.Profile.Thresholds,
            Seed = plan.Seed,
        };

    private static readonly string[] CoordinatorOnly = ["--shards", "--output", "--target", "--url", "--kubeconfig", "--context", "--namespace", "--image", "--ready-within"];

    /// <summary>
    /// The coordinator's own arguments for its shards, without those only it uses (--shards, --output, where the shards run),
    /// and with the URL to load as their --target.
    /// </summary>
    internal static List<string> Forwarded(IReadOnlyList<string> arguments, Uri address)
    {
        var forwarded = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (CoordinatorOnly.Contains(argument))
            {
                i++;
            }
            else if (!CoordinatorOnly.Any(option => argument.StartsWith(option + "=", StringComparison.Ordinal)))
            {
                forwarded.Add(argument);
            }
        }
        return [.. forwarded, "--target", address.ToString()];
    }
}
