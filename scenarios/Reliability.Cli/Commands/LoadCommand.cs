using System.CommandLine;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Results;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Load.Targets;
using Reliability.Load.Thresholds;

namespace Reliability.Cli.Commands;

/// <summary>`load`: one scenario against any URL, with a summary table, raw JSON results and the write ledger.</summary>
internal static partial class LoadCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "browse, crud or write-heavy (the bundled task manager); http (a GET of the --target URL, any service); "
                + "a scenario of a target from --scenarios; or target:scenario.",
        };
        var target = new Option<string>("--target")
        {
            Description = "The URL to load (the SUT's base URL, its load balancer's entry point, or for http the URL to GET), with the generators on "
                + "this machine; or kubernetes, with the URL in --url, to run the shards as the pods of a Kubernetes Indexed Job, as run --target kubernetes does.",
            Required = true,
        };
        var url = new Option<string?>("--url") { Description = "With --target kubernetes: the URL to load, as the pods reach it (the SUT's Service, e.g. http://task-manager.task-manager.svc:8080)." };
        var rate = new Option<double?>("--rate") { Description = "Open model: iterations started per second." };
        var users = new Option<int?>("--users") { Description = "Closed model: concurrent users." };
        var duration = new Option<string>("--duration") { Description = "How long, e.g. 30s or 2m.", DefaultValueFactory = _ => "30s" };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "Open model: cap on concurrent iterations (default twice the rate); arrivals beyond it are dropped and counted." };
        var warmUp = new Option<string>("--warmup") { Description = "Excluded from the statistics, e.g. 5s.", DefaultValueFactory = _ => "0s" };
        var simulations = new Option<string?>("--simulations") { Description = "YAML file with a sequence of simulations, warm-up and thresholds (overrides --rate/--users/--duration)." };
        var thresholds = new Option<string[]>("--threshold") { Description = "k6-style threshold, repeatable: \"fail_rate < 1%\", \"p95 < 500ms\", \"step:create-task p99 < 1s\".", AllowMultipleArgumentsPerToken = false };
        var timeout = new Option<string>("--timeout") { Description = "Per-request timeout.", DefaultValueFactory = _ => "10s" };
        var seed = new Option<int>("--seed") { Description = "The run's seed: each shard and each virtual user derive their random numbers (ctx.Random) from it, the same on every run.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output") { Description = "Folder for load-result.json and write-ledger.jsonl (default artifacts/<timestamp>-load-<scenario>)." };
        var shards = new Option<int>("--shards")
        {
            Description = "Split the load across N generators: processes on this machine, or pods (--target kubernetes). Each takes an evenly interleaved share "
                + "(every N-th arrival of the open model's schedule, or its share of the users); they start together, their "
                + "histograms and counts are merged exactly (never percentiles averaged), thresholds are judged on the whole, "
                + "and one load-result.json and one write ledger are written. A shard that fails or falls silent stops them "
                + "all and fails the run (exit 3) rather than report a smaller load.",
            DefaultValueFactory = _ => 1,
        };
        var shard = new Option<string?>("--shard") { Hidden = true, Description = "Internal: run as shard i/N of a sharded run, reporting to its coordinator on standard output." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "With --target kubernetes: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster configuration)." };
        var context = new Option<string?>("--context") { Description = "With --target kubernetes: kubeconfig context to use." };
        var ns = new Option<string>("--namespace") { Description = "With --target kubernetes: the namespace of the load Job. On Kubernetes the start time goes in the Job's spec and "
                + "the shards' results come back through their pod logs, so this CLI coordinates from anywhere with API access. The Job is deleted at the end, "
                + "when a shard fails or falls silent (exit 3) and on Ctrl-C (exit 130).", DefaultValueFactory = _ => "reliability" };
        var image = new Option<string>("--image") { Description = "With --target kubernetes: the harness image the shard pods run.", DefaultValueFactory = _ => "reliability-harness" };
        var readyWithin = new Option<string>("--ready-within")
        {
            Description = "With --target kubernetes: how long the pods may take to be scheduled, pull the image and prepare their users; the shared start time is this far ahead.",
            DefaultValueFactory = _ => "60s",
        };
        var startAt = new Option<string?>("--start-at") { Hidden = true, Description = "Internal: the shared start time of a sharded run (otherwise it comes on standard input)." };
        var command = new Command("load", "Run one load scenario against a URL and print count, failures by reason, rps and latency percentiles per step.")
        {
            scenario, target, url, rate, users, duration, maxConcurrent, warmUp, simulations, thresholds, timeout, seed, output, shards,
            kubeconfig, context, ns, image, readyWithin, shard, startAt,
        };
        command.SetAction((parse, ct) => LoadTargets.TryCatalog(parse) is { } targets
            ? RunAsync(new LoadArgs(
                parse.GetValue(scenario)!, parse.GetValue(target)!, parse.GetValue(rate), parse.GetValue(users), parse.GetValue(duration)!,
                parse.GetValue(maxConcurrent), parse.GetValue(warmUp)!, parse.GetValue(simulations), parse.GetValue(thresholds) ?? [],
                parse.GetValue(timeout)!, parse.GetValue(output), parse.GetValue(shards), parse.GetValue(shard), parse.GetValue(startAt))
                {
                    Url = parse.GetValue(url),
                    Kubernetes = new KubernetesSettings(parse.GetValue(kubeconfig), parse.GetValue(context), [], null, null, null),
                    Namespace = parse.GetValue(ns)!,
                    Image = parse.GetValue(image)!,
                    ReadyWithin = parse.GetValue(readyWithin)!,
                    Seed = parse.GetValue(seed),
                }, targets, ct)
            : Task.FromResult(ExitCodes.InvalidInput));
        return command;
    }

    private sealed record LoadArgs(string Scenario, string Target, double? Rate, int? Users, string Duration, int? MaxConcurrent,
        string WarmUp, string? Simulations, string[] Thresholds, string Timeout, string? Output, int Shards, string? Shard, string? StartAt)
    {
        public string? Url { get; init; }

        /// <summary>Where the generators run: kubernetes when --target says so, otherwise this machine.</summary>
        public string Generators => Target is "kubernetes" ? "kubernetes" : "local";

        /// <summary>The URL to load: --target's, or --url's when --target names where the generators run.</summary>
        public string Address => Target is "kubernetes" or "local" ? Url ?? "" : Target;
        public KubernetesSettings? Kubernetes { get; init; }
        public string Namespace { get; init; } = "reliability";
        public string Image { get; init; } = "reliability-harness";
        public string ReadyWithin { get; init; } = "60s";
        public int Seed { get; init; }
    }

    private static async Task<int> RunAsync(LoadArgs args, TargetCatalog targets, CancellationToken ct)
    {
        LoadHttpClient.UseInlineSocketCompletions();
        SimulationFile profile;
        TimeSpan requestTimeout;
        Uri baseAddress;
        if (targets.Resolve(args.Scenario) is not ({ } loadTarget, { } scenarioName))
        {
            await Console.Error.WriteLineAsync($"error: scenario '{args.Scenario}' is not one of {string.Join(", ", targets.Names)}");
            return ExitCodes.InvalidInput;
        }
        try
        {
            profile = Profile(args);
            requestTimeout = DurationText.Parse(args.Timeout);
            baseAddress = ParseAddress(args, loadTarget);
        }
        catch (Exception ex) when (ex is FormatException or SimulationFileException or ArgumentException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        if (args.Shard is not null || args.Shards != 1 || args.Generators == "kubernetes")
        {
            return await RunShardedAsync(args, new LoadPlan(loadTarget, scenarioName, profile, requestTimeout, baseAddress, args.Seed), ct);
        }
        var folder = args.Output ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-load-{args.Scenario}");
        Directory.CreateDirectory(folder);
        await using var ledger = new WriteLedger(Path.Combine(folder, "write-ledger.jsonl"), time: TimeProvider.System);
        var scenario = CreateScenario(new LoadPlan(loadTarget, scenarioName, profile, requestTimeout, baseAddress, args.Seed), ledger);
        using var http = LoadHttpClient.Create(baseAddress, requestTimeout);

        ScenarioRun run;
        try
        {
            run = await new LoadEngine(http, progress: ConsoleProgress.ForConsole(), time: TimeProvider.System).RunAsync(scenario, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"error: could not prepare the virtual users against {args.Address}: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        Console.WriteLine();
        Console.WriteLine(SummaryTable.Render(run));
        await File.WriteAllTextAsync(Path.Combine(folder, "load-result.json"), LoadReport.From(run).ToJson(), CancellationToken.None);
        Console.WriteLine($"results: {Path.GetFullPath(folder)} ({ledger.Count} acknowledged writes in the ledger)");
        return run.Passed ? ExitCodes.Passed : ExitCodes.HypothesisFailed;
    }

    private static Uri ParseAddress(LoadArgs args, ILoadTarget loadTarget)
    {
        var (option, text) = args.Target is "kubernetes" or "local" ? ("--url", args.Url) : ("--target", args.Target);
        if (text is null)
        {
            throw new FormatException($"--target {args.Target} needs --url, the URL to load as the generators reach it");
        }
        if (option == "--target" && args.Url is not null)
        {
            throw new FormatException("--url goes with --target kubernetes; with a URL in --target, leave it out");
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? loadTarget.BaseAddress(parsed) : throw new FormatException($"{option} '{text}' is not an absolute http(s) URL");
    }

    private static SimulationFile Profile(LoadArgs args)
    {
        var extra = args.Thresholds.Select(t => Threshold.Parse(t)).ToList();
        if (args.Simulations is { } path)
        {
            var file = SimulationFile.Load(path);
            return file with { Thresholds = [.. file.Thresholds, .. extra] };
        }
        var duration = DurationText.Parse(args.Duration);
        LoadSimulation simulation = (args.Rate, args.Users) switch
        {
            ({ } r, null) => new ConstantArrivalRate(r, duration, args.MaxConcurrent ?? (int)Math.Clamp(Math.Ceiling(r * 2), 10, 10_000)),
            (null, { } u) => new ConstantUsers(u, duration),
            (null, null) => throw new ArgumentException("give --rate (open model), --users (closed model) or --simulations"),
            _ => throw new ArgumentException("--rate and --users exclude each other"),
        };
        simulation.Validate();
        return new SimulationFile(DurationText.Parse(args.WarmUp), [simulation], extra);
    }
}
