using System.Diagnostics;
using System.Text.RegularExpressions;
using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// The README's path to `--target kubernetes` before a cluster: `env up --kubernetes` serves the Kubernetes
/// API stand-in with Chaos Mesh on the embedded environment; kubectl, the real client, sees its nodes and
/// pods and applies, watches and deletes a chaos object through the kubeconfig it writes; and the default
/// game day with --target kubernetes passes against it with score 100, with reports that follow the schema.
/// </summary>
public sealed partial class StandInGameDayTests : IDisposable
{
    // Not CreateTempSubdirectory (mode 0700): PostgreSQL runs as its own user and must reach the run folder inside.
    private readonly string _work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"stand-in-{Guid.NewGuid():N}")).FullName;

    [Fact]
    public async Task The_default_game_day_targets_the_stand_in_as_a_cluster_and_passes_with_score_100()
    {
        using var env = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = Path.Combine(_work, "runs"), ["CI"] = "true" }, "env", "up", "--kubernetes");
        await Wait.Until(() => env.Output.Contains("Press Ctrl-C", StringComparison.Ordinal) || env.Output.Contains("error:", StringComparison.Ordinal),
            TimeSpan.FromMinutes(3), () => env.Output);
        var kubeconfig = Kubeconfig().Match(env.Output).Groups[1].Value;
        File.Exists(kubeconfig).Should().BeTrue(env.Output);
        (OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(kubeconfig)).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "it holds the tokens");

        await KubectlSeesTheClusterAndChaosMeshAsync(kubeconfig, Path.GetDirectoryName(kubeconfig)!);

        var command = GameDayCommand().Match(env.Output).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var harnessEnv = File.ReadAllText(HarnessEnv().Match(env.Output).Groups[1].Value);
        var secret = DatabaseUrl().Match(harnessEnv).Groups[1].Value;
        // What `set -a; . harness.env` gives the harness: the database URL and CloudWatch's AWS_ variables.
        var variables = harnessEnv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1].Trim('\''));
        variables.Keys.Should().Contain(["AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]);
        env.Output.Should().NotContain(variables["AWS_SECRET_ACCESS_KEY"], "the secret key stays in 0600 files");
        env.Output.Should().NotContain(secret, "the database password stays in the 0600 file");
        var reports = Path.Combine(_work, "reports");
        // From the repository's root, as the README's user runs it (the default plan is a relative path).
        using var gameday = new CliProcess(new CliStart
        {
            Environment = new Dictionary<string, string?>(variables) { ["CI"] = "true" },
            WorkingDirectory = Path.GetDirectoryName(Repository.Experiments),
        }, [.. command, "--plan", ShardedPodKillPlan(), "--output", reports]);
        var exit = await gameday.WaitAsync(TimeSpan.FromMinutes(20));

        exit.Should().Be(0, gameday.Output);
        gameday.Output.Should().Contain("resilience score 100.0 / 100").And.Contain("driver: kubernetes");
        File.ReadAllText(Path.Combine(reports, "gameday.json")).Should().Contain("\"resilienceScore\": 100");
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(Repository.Experiments, "..", "reports", "schema", "result-v1.schema.json"));
        var results = Directory.EnumerateFiles(reports, "result.json", SearchOption.AllDirectories).ToList();
        results.Should().HaveCount(4);
        // pod-kill's load ran as the two pods of an Indexed Job, coordinated over the API, and its verdicts read their merged evidence.
        var podKill = Path.GetDirectoryName(results.Single(r => Path.GetFileName(Path.GetDirectoryName(r)!).EndsWith("-pod-kill", StringComparison.Ordinal)))!;
        File.ReadAllText(Path.Combine(podKill, "job.yaml")).Should().Contain("completionMode: Indexed").And.Contain("completions: 2");
        File.ReadAllText(Path.Combine(podKill, "journal.jsonl")).Should().Contain("\"shards\":2");
        File.ReadLines(Path.Combine(podKill, "write-ledger.jsonl")).Should().NotBeEmpty("the pods' acknowledged writes are merged into the experiment's ledger");
        // Users and the edge count the same requests: each phase's client-side and edge availability agree within sampling error.
        var phases = results.SelectMany(r => EdgeAgreement.Of(Path.Combine(Path.GetDirectoryName(r)!, "journal.jsonl"))).ToList();
        phases.Should().OnlyContain(p => p.Agree, EdgeAgreement.Describe(phases)).And.Contain(p => p.Client < 99, "a fault phase lost requests: the agreement is not one of two 100 %s");
        results.Should().Contain(r => File.ReadAllText(r).Contains("alarm task-manager-high-error-rate fires within 5m", StringComparison.Ordinal),
            "zone-failure judges the CloudWatch alarm on Kubernetes too, from the CloudWatch that harness.env names");
        results.Should().AllSatisfy(r => schema.Validate(File.ReadAllText(r)).Should().BeEmpty($"{r} follows result-v1"));
        results.Should().AllSatisfy(r => File.ReadAllText(Path.Combine(Path.GetDirectoryName(r)!, "journal.jsonl")).Should()
            .Contain("\"type\":\"created\"", "faults went in as Chaos Mesh objects").And.Contain("\"type\":\"pod-event\"", "the pods were watched"));
        gameday.Output.Should().NotContain(secret);

        Posix.Signal(env.Pid, Posix.SIGTERM).Should().BeTrue();
        (await env.WaitAsync(TimeSpan.FromSeconds(120))).Should().Be(0, env.Output);
    }

    /// <summary>
    /// The default plan with pod-kill's load split in two shards, which on a cluster are the pods of an Indexed Job (ready within
    /// 10 s: the stand-in's pods are processes of this CLI, with no image to pull).
    /// </summary>
    private string ShardedPodKillPlan()
    {
        var source = Repository.Experiments;
        var copy = Path.Combine(_work, "experiments");
        foreach (var folder in new[] { "", "chaos", "gamedays" })
        {
            Directory.CreateDirectory(Path.Combine(copy, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source, folder), "*.yaml"))
            {
                File.Copy(file, Path.Combine(copy, folder, Path.GetFileName(file)));
            }
        }
        var podKill = Path.Combine(copy, "pod-kill.yaml");
        var text = File.ReadAllText(podKill);
        text.Should().Contain("  rate: 20 ", "the copy splits exactly this load");
        File.WriteAllText(podKill, text.Replace("  rate: 20 ", "  shards: 2\n  readyWithin: 10s\n  rate: 20 ", StringComparison.Ordinal));
        return Path.Combine(copy, "gamedays", "default.yaml");
    }

    private static async Task KubectlSeesTheClusterAndChaosMeshAsync(string kubeconfig, string run)
    {
        (await Kubectl(kubeconfig, "--context", "admin", "get", "nodes", "-L", "topology.kubernetes.io/zone")).Should()
            .MatchRegex(@"node-zone-a\s+\S+\s+zone-a").And.Contain("zone-b").And.Contain("zone-c");
        (await Kubectl(kubeconfig, "--context", "admin", "get", "pods", "-L", "spilo-role")).Should().MatchRegex(@"postgres-\d\s+\S+\s+master").And.Contain("sut-zone-c-1");
        (await Kubectl(kubeconfig, "get", "namespaces")).Should().Contain("Forbidden", "the default context is the harness's service account, held to the shipped RBAC");

        // Watch the object from before it exists to after it is gone, as an operator would.
        var watch = StartKubectl(kubeconfig, "--context", "admin", "get", "podchaos", "--watch", "-o",
            "jsonpath={.metadata.name} injected={.status.conditions[?(@.type==\"AllInjected\")].status} recovered={.status.conditions[?(@.type==\"AllRecovered\")].status} deleting={.metadata.deletionTimestamp} finalizers={.metadata.finalizers[*]}{\"\\n\"}");
        var watched = new System.Text.StringBuilder();
        watch.OutputDataReceived += (_, e) => { lock (watched) { watched.AppendLine(e.Data); } };
        watch.BeginOutputReadLine();
        try
        {
            (await Kubectl(kubeconfig, "--context", "admin", "apply", "--validate=false", "-f", Path.Combine(Repository.Experiments, "chaos", "pod-failure.yaml")))
                .Should().Contain("podchaos.chaos-mesh.org/sut-pod-failure created");
            await Wait.Until(() => Text(watched).Contains("injected=True", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => Text(watched));
            (await Kubectl(kubeconfig, "--context", "admin", "delete", "podchaos", "sut-pod-failure", "--wait=false")).Should().Contain("deleted");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!NotFound(await Kubectl(kubeconfig, "--context", "admin", "get", "podchaos", "sut-pod-failure")))
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "the finalizer lets the object go once its fault is recovered: " + Text(watched));
                await Task.Delay(200);
            }
            await Wait.Until(() => Text(watched).Contains("recovered=True deleting=2", StringComparison.Ordinal), TimeSpan.FromSeconds(5), () => Text(watched));
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync();
        }
        var lines = Text(watched).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Contain("injected= recovered= deleting= finalizers=chaos-mesh/records", "a new object has its finalizer and no conditions until Chaos Mesh reconciles it");
        lines.Should().Contain(l => l.Contains("recovered=True deleting=2", StringComparison.Ordinal) && l.EndsWith("finalizers=chaos-mesh/records", StringComparison.Ordinal),
            "the finalizer holds the deleted object until its fault is recovered");
        File.ReadAllText(Path.Combine(run, "chaos-mesh", "task-manager.podchaos.sut-pod-failure.jsonl")).Should().Contain("\"type\":\"recovered\"", "the stand-in recovered the fault for real");
    }

    private static bool NotFound(string output) => output.Contains("NotFound", StringComparison.Ordinal) || output.Contains("not found", StringComparison.Ordinal);

    private static string Text(System.Text.StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private static Process StartKubectl(string kubeconfig, params string[] args)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private static async Task<string> Kubectl(string kubeconfig, params string[] args)
    {
        using var process = StartKubectl(kubeconfig, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within 30 s");
        }
        return await output + await error;
    }

    [GeneratedRegex(@"kubeconfig\s+(\S+)")]
    private static partial Regex Kubeconfig();

    [GeneratedRegex(@"harness\.env\s+(\S+)")]
    private static partial Regex HarnessEnv();

    [GeneratedRegex(@"^\s*reliability (gameday --target kubernetes .*)$", RegexOptions.Multiline)]
    private static partial Regex GameDayCommand();

    [GeneratedRegex("DATABASE_URL='(.*)'")]
    private static partial Regex DatabaseUrl();

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
