using System.Text.Json.Nodes;
using Reliability.Experiments.Tests.Drivers;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// A harness killed with SIGKILL in the middle of a fault cannot roll back: its Chaos Mesh object stays in
/// the cluster. The next run, started as a user or the CronJob starts it, finds that object's owner gone,
/// deletes it, waits for Chaos Mesh to recover it, and then runs its own experiment. Real processes
/// against the API stand-in, load on a plain service through the http target.
/// </summary>
public sealed class KubernetesSweepTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("kubernetes-sweep-").FullName;
    private KubernetesStandIn _api = null!;
    private PlainService _service = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesStandIn.StartAsync();
        _api.RecoveryDelay = TimeSpan.FromSeconds(1);
        _service = await PlainService.StartAsync();
        StandInKubeconfig.Write(Path.Combine(_work, "kubeconfig"), _api.Address);
    }

    [Fact]
    public async Task After_a_harness_is_killed_mid_fault_the_next_run_sweeps_its_chaos_and_the_fault_is_recovered()
    {
        using (var killed = Run(Experiment("long", fault: "5m")))
        {
            await Until(() => _api.Live == 1, killed, "the pod-failure created in the cluster");
            killed.KillHard();
        }
        var orphan = await LiveObjectAsync();
        orphan!["metadata"]!["annotations"]!["reliability.dev/owner"]!.ToString().Should().StartWith("process:", "the owner the next run checks");
        _api.Live.Should().Be(1, "nothing rolled back a harness killed with SIGKILL");

        using var next = Run(Experiment("short", fault: "5s"));

        (await next.WaitAsync(TimeSpan.FromMinutes(2))).Should().Be(0, next.Output);
        next.Output.Should().Contain("swept before the run: podchaos/sut-pod-failure in task-manager, left by a run whose harness is gone");
        _api.Live.Should().Be(0);
        _api.Requests.Where(r => r.Method == "DELETE").Should().HaveCount(2, "one by the sweep, one by the new run's own recovery");
        var sweep = _api.Requests.ToList().FindIndex(r => r.Method == "DELETE");
        var recreate = _api.Requests.ToList().FindLastIndex(r => r.Method == "POST");
        sweep.Should().BeLessThan(recreate, "the new run creates its fault after the old one is recovered");
    }

    private CliProcess Run(string experiment) => new(new Dictionary<string, string> { ["CI"] = "true" }, "run", experiment, "--target", "kubernetes",
        "--kubeconfig", Path.Combine(_work, "kubeconfig"), "--url", new Uri(_service.Address, "ping").ToString(), "--output", Path.Combine(_work, Path.GetFileNameWithoutExtension(experiment)));

    private string Experiment(string name, string fault)
    {
        // The shipped pod-failure, held for 5 s rather than 30 s.
        var manifest = Path.Combine(_work, "pod-failure.yaml");
        File.WriteAllText(manifest, File.ReadAllText(Path.Combine(Repository.Experiments, "chaos", "pod-failure.yaml")).Replace("duration: 30s", "duration: 5s"));
        var path = Path.Combine(_work, $"{name}.yaml");
        File.WriteAllText(path, $$"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: { name: {{name}} }
            faults: ["{{manifest}}"]
            load: { target: http, rate: 5, warmUp: 1s }
            timeline: { steadyState: 2s, fault: {{fault}}, recovery: 1s }
            hypotheses: { slo: { steady: ["fail_rate < 1%"] } }
            seed: 1
            """);
        return path;
    }

    private async Task<JsonObject?> LiveObjectAsync()
    {
        using var http = new HttpClient { BaseAddress = _api.Address };
        return JsonNode.Parse(await http.GetStringAsync("/apis/chaos-mesh.org/v1alpha1/namespaces/task-manager/podchaos/sut-pod-failure"))?.AsObject();
    }

    private static async Task Until(Func<bool> condition, CliProcess cli, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within 1 min: {what}; the CLI said:\n{cli.Output}");
            }
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _api.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}
