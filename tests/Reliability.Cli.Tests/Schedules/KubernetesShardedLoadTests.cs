using System.Text.Json;
using System.Text.Json.Nodes;
using Reliability.ClusterStandIn;
using Reliability.Experiments.Running;
using Reliability.Experiments.Tests.Drivers;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// `load --shards N --target kubernetes --url U`: the shards as an Indexed Job on the API stand-in, whose pods run
/// the CLI as real processes; the coordinator reads them only through the API (pod logs) and deletes the Job
/// on success, on a failed shard and on Ctrl-C. Load on a plain service through the http target.
/// </summary>
public sealed class KubernetesShardedLoadTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("kubernetes-shards-").FullName;
    private KubernetesStandIn _api = null!;
    private PlainService _service = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesStandIn.StartAsync();
        _api.Images["reliability-harness"] = (CliProcess.DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "reliability.dll")]);
        // Every call is made as the shipped Role allows, or refused with 403 as on a cluster.
        _api.Granted = Granted;
        _service = await PlainService.StartAsync();
        StandInKubeconfig.Write(Path.Combine(_work, "kubeconfig"), _api.Address);
    }

    [Fact]
    public async Task Two_shards_run_as_an_indexed_job_whose_pods_results_are_merged_and_the_job_is_deleted_with_its_pods()
    {
        var output = Path.Combine(_work, "two");
        using var cli = Load(output, "--rate", "200", "--duration", "4s");

        (await cli.WaitAsync(TimeSpan.FromMinutes(2))).Should().Be(0, cli.Output);

        var created = JsonNode.Parse(_api.Requests.Single(r => r.Method == "POST" && r.Path == "/apis/batch/v1/namespaces/reliability/jobs").Body)!;
        var spec = created["spec"]!;
        spec["completionMode"]!.ToString().Should().Be("Indexed");
        ((int)spec["completions"]!).Should().Be(2);
        ((int)spec["parallelism"]!).Should().Be(2, "every shard at once");
        ((int)spec["backoffLimit"]!).Should().Be(0, "a retried shard would replay its share");
        spec["template"]!["spec"]!["restartPolicy"]!.ToString().Should().Be("Never");
        spec["template"]!["spec"]!["topologySpreadConstraints"]!.AsArray().Select(c => c!["topologyKey"]!.ToString())
            .Should().Equal("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        var args = spec["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => a!.ToString()).ToList();
        args.Should().ContainInOrder("--shard", "$(JOB_COMPLETION_INDEX)/2").And.Contain("--start-at").And.NotContain("kubernetes").And.NotContain("--kubeconfig").And.NotContain("--url");
        args.Should().ContainInOrder("--target", new Uri(_service.Address, "ping").ToString());
        File.Exists(Path.Combine(output, "job.yaml")).Should().BeTrue("the Job as created is kept with the results");

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "load-result.json"))).RootElement.GetProperty("summary");
        summary.GetProperty("count").GetInt64().Should().BeInRange(792, 808, "200/s for 4 s from both pods together");
        _service.Requests.Count.Should().BeInRange(792, 808);
        var delete = _api.Requests.Single(r => r.Method == "DELETE" && r.Path.StartsWith("/apis/batch/v1/namespaces/reliability/jobs/", StringComparison.Ordinal));
        delete.Query.Should().Contain("propagationPolicy=Background", "the API's default for a Job orphans its pods");
        _api.Jobs.Should().BeEmpty();
        await Wait.Until(() => _api.JobPods.Count == 0, TimeSpan.FromSeconds(15), () => "the pods to be gone with their Job");
        cli.Output.Should().NotContain(StandInKubeconfig.Token);
        _api.Used.Should().BeSubsetOf(Granted);
        Granted.Except(_api.Used).Should().BeEquivalentTo([new Access("", "pods", "delete")],
            "the Role grants nothing else the coordinator never uses; deleting a pod is the graceful stop of an experiment that ends early");
    }

    [Fact]
    public async Task A_killed_shard_pod_fails_the_run_with_exit_3_and_the_job_is_deleted()
    {
        var output = Path.Combine(_work, "killed");
        using var cli = Load(output, "--rate", "50", "--duration", "60s");
        await Wait.Until(() => cli.Output.Split("req/s").Length > 3, TimeSpan.FromMinutes(1), () => cli.Output);

        _api.KillPod(1);

        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(3, cli.Output);
        cli.Output.Should().Contain("shard 1 ended before it finished").And.Contain("No result is written");
        File.Exists(Path.Combine(output, "load-result.json")).Should().BeFalse();
        _api.Requests.Should().Contain(r => r.Method == "DELETE" && r.Path.Contains("/jobs/", StringComparison.Ordinal) && r.Query.Contains("propagationPolicy=Background"));
        await Wait.Until(() => _api.JobPods.Count == 0, TimeSpan.FromSeconds(45), () => "the other shard's pod to be stopped and gone");
    }

    [Fact]
    public async Task Ctrl_C_deletes_the_job_and_stops_every_shard_pod()
    {
        var output = Path.Combine(_work, "interrupted");
        using var cli = Load(output, "--rate", "50", "--duration", "60s");
        await Wait.Until(() => cli.Output.Split("req/s").Length > 3, TimeSpan.FromMinutes(1), () => cli.Output);

        Posix.Signal(cli.Pid, 2 /* SIGINT */);

        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(130, cli.Output);
        _api.Jobs.Should().BeEmpty();
        await Wait.Until(() => _api.JobPods.Count == 0, TimeSpan.FromSeconds(45), () => "every shard pod to be stopped and gone");
        File.Exists(Path.Combine(output, "load-result.json")).Should().BeFalse();
    }

    [Fact]
    public async Task A_job_created_whose_answer_was_lost_is_deleted_by_its_name_and_the_run_fails_with_exit_3()
    {
        _api.LoseAnswer = r => r.Method == "POST" && r.Path.EndsWith("/jobs", StringComparison.Ordinal);
        var output = Path.Combine(_work, "lost");
        using var cli = Load(output, "--rate", "50", "--duration", "60s");

        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(3, cli.Output);

        cli.Output.Should().Contain("the load Job could not be created").And.Contain("deleted (propagationPolicy Background");
        _api.Jobs.Should().BeEmpty("the server had created it: only the answer was lost");
        await Wait.Until(() => _api.JobPods.Count == 0, TimeSpan.FromSeconds(45), () => "its pods to be gone with it");
    }

    [Fact]
    public async Task An_experiments_sharded_load_runs_as_the_same_job_with_its_seed_and_reports_what_it_measured_when_the_experiment_stops_early()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "experiment")).FullName;
        using var client = new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(_work, "kubeconfig")));
        var simulation = new ConstantArrivalRate(50, TimeSpan.FromMinutes(2), 100);
        var url = new Uri(_service.Address, "ping");
        // load.readyWithin: 8s, as the experiment file gives it, over the 60 s that the harness's default would wait.
        var request = new ShardedLoadRequest("http", "get", url, simulation, TimeSpan.Zero, TimeSpan.FromSeconds(5), 2, folder, Seed: 7, ReadyWithin: TimeSpan.FromSeconds(8));
        var whole = new Scenario { Name = "http-get", Run = _ => Task.CompletedTask, Simulations = [simulation] };
        await using var ledger = new WriteLedger(Path.Combine(folder, "write-ledger.jsonl"), time: TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var load = new KubernetesShardedLoad(client, "reliability", "reliability-harness", TimeSpan.FromSeconds(60), TextWriter.Null);

        var running = load.RunIntoAsync(request, whole, new NoProgress(), ledger, CancellationToken.None, stop.Token);
        await Wait.Until(() => _service.Requests.Count >= 200 || running.IsCompleted, TimeSpan.FromMinutes(1), () => $"{_service.Requests.Count} requests");
        // What the runner does when the runbook is done or the steady state was not met: the shards stop and report.
        stop.Cancel();
        var run = await running.WaitAsync(TimeSpan.FromSeconds(60));

        run.Measurements.Scenario.Count.Should().BeGreaterThanOrEqualTo(200).And.BeLessThan(2_000, "the shards stopped early and reported what they measured");
        var created = JsonNode.Parse(_api.Requests.Single(r => r.Method == "POST" && r.Path == "/apis/batch/v1/namespaces/reliability/jobs").Body)!;
        ((int)created["spec"]!["activeDeadlineSeconds"]!).Should().Be(8 + 120 + 120, "ready within 8 s, 2 min of load, and the coordinator's 2 min of grace");
        var args = created["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => a!.ToString()).ToList();
        args.Should().ContainInOrder("load", "http:get", "--target", url.ToString()).And.ContainInOrder("--seed", "7").And.ContainInOrder("--shard", "$(JOB_COMPLETION_INDEX)/2");
        _api.Requests.Should().Contain(r => r.Method == "DELETE" && r.Path.StartsWith("/api/v1/namespaces/reliability/pods/", StringComparison.Ordinal),
            "an early stop deletes the pods: SIGTERM is a shard's stop-and-report");
        _api.Requests.Should().Contain(r => r.Method == "DELETE" && r.Path.Contains("/jobs/", StringComparison.Ordinal) && r.Query.Contains("propagationPolicy=Background"));
        await Wait.Until(() => _api.JobPods.Count == 0, TimeSpan.FromSeconds(45), () => "the pods to be gone with their Job");
        _api.Used.Should().BeSubsetOf(Granted);
    }

    private sealed class NoProgress : ILoadProgress
    {
        public void OnSimulation(LoadSimulation simulation)
        {
        }

        public void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed)
        {
        }
    }

    private static readonly IReadOnlySet<Access> Granted =
        Rbac.GrantsOf(Path.Combine(Repository.Experiments, "..", "sut", "deploy", "k8s", "harness", "load-generators.yaml"));

    private CliProcess Load(string output, params string[] model) => new(new Dictionary<string, string> { ["CI"] = "true" },
        ["load", "http", "--target", "kubernetes", "--url", new Uri(_service.Address, "ping").ToString(), .. model, "--shards", "2",
         "--kubeconfig", Path.Combine(_work, "kubeconfig"), "--ready-within", "10s", "--output", output]);

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _service.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}
