using Reliability.ClusterStandIn;
using k8s;
using Reliability.Evidence.Journal;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Faults;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// Least privilege, checked both ways: every call the harness makes on a cluster (reading Chaos Mesh's
/// CRDs, planning every shipped fault, creating, reading and deleting chaos, watching pods, the steady-state
/// gate, the sweep of dead runs) is granted by the shipped Role and ClusterRoles, which the stand-in
/// enforces as the API server would; and nothing is granted that no call needs.
/// </summary>
public sealed class HarnessRbacTests : StandInTests
{
    // What the harness may do in the SUT's namespace, and in its own and cluster-wide.
    private static readonly string[] RbacFiles =
    [
        Path.Combine(Definitions.ExperimentsFolder.Path, "..", "sut", "deploy", "k8s", "base", "harness-access.yaml"),
        Path.Combine(Definitions.ExperimentsFolder.Path, "..", "sut", "deploy", "k8s", "harness", "rbac.yaml"),
    ];

    [Fact]
    public async Task The_harness_role_grants_exactly_the_calls_the_harness_makes()
    {
        var granted = Grants();
        Api.Granted = granted;
        // As shipped: the harness runs in a namespace of its own.
        Api.MoveHarnessTo("node-b", "reliability");

        await ExerciseEveryCallAsync();

        Api.Used.Should().BeSubsetOf(granted, "a call the Role does not grant is refused with 403 on a cluster");
        granted.Except(Api.Used).Should().BeEmpty("the Role grants no verb the harness never uses");
    }

    [Fact]
    public async Task A_call_the_role_does_not_grant_is_refused_as_the_api_server_refuses_it()
    {
        Api.Granted = Grants().Where(a => a is not { Resource: "podchaos", Verb: "delete" }).ToHashSet();
        var driver = Driver();
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        var plan = await driver.PlanAsync(Faults("pod-kill.yaml"), CancellationToken.None);
        using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await driver.RunAsync(plan, journal, window.Token);

        journal.Of<Reliability.Evidence.Journal.Events.RollbackFailed>().Should().ContainSingle().Which.Error.Should().Contain("HTTP 403").And.Contain("cannot delete");
    }

    private async Task ExerciseEveryCallAsync()
    {
        await ClusterChaosMeshSchemas.LoadAsync(Client, ChaosMeshSchemas.Load(), CancellationToken.None);
        var driver = Driver();
        foreach (var manifest in Directory.EnumerateFiles(Path.Combine(Definitions.ExperimentsFolder.Path, "chaos"), "*.yaml").Where(f => !f.EndsWith("gameday-schedule.yaml", StringComparison.Ordinal)))
        {
            try
            {
                await driver.PlanAsync(Faults(Path.GetFileName(manifest)), CancellationToken.None);
            }
            catch (ManifestException)
            {
                // Selectors the stand-in's pods do not match (database roles, etcd) are refused before any call but the reads.
            }
        }
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        foreach (var manifest in new[] { "pod-failure.yaml", "network-delay-db.yaml", "zone-failure.yaml" })
        {
            var plan = await driver.PlanAsync(Faults(manifest), CancellationToken.None);
            using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await driver.RunAsync(plan, journal, window.Token);
        }
        await using (var watcher = driver.Observers(TimeProvider.System).Single())
        {
            await watcher.StartAsync(journal, CancellationToken.None);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Api.Requests.Any(r => r.Query.Contains("watch=true", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
        using var service = new HttpClient { BaseAddress = Api.Address };
        await new ClusterSteadyState(Client, ["task-manager"], service, TimeProvider.System) { Deadline = TimeSpan.Zero }.ProblemAsync(CancellationToken.None);
        // Every run reads the safety lever in the harness's namespace.
        (await new Reliability.Experiments.Safety.ConfigMapSafetyLever(Client, "reliability", TimeProvider.System).ReadAsync(CancellationToken.None)).Engaged.Should().BeFalse();
        // A run killed before its rollback left an object: the sweep asks the API for its owner's pod.
        var orphan = Driver();
        var left = await orphan.PlanAsync(Faults("pod-kill.yaml"), CancellationToken.None);
        using (var never = new CancellationTokenSource())
        {
            var run = orphan.RunAsync(left, journal, never.Token);
            var created = DateTime.UtcNow.AddSeconds(10);
            while (!Api.Requests.Any(r => r.Method == "POST" && r.Path.EndsWith("/podchaos", StringComparison.Ordinal) && r.Body.Contains("sut-pod-kill", StringComparison.Ordinal)))
            {
                (run.IsCompleted || DateTime.UtcNow > created).Should().BeFalse("the run creates its pod-kill within 10 s");
                await Task.Delay(20);
            }
            await new OrphanSweeper(Client, ["task-manager"]).SweepAsync(CancellationToken.None);
            await never.CancelAsync();
            await run;
        }
    }

    private static HashSet<Access> Grants() => [.. RbacFiles.SelectMany(Rbac.GrantsOf)];

    private KubernetesChaosDriver Driver() => new(Client, ["task-manager"], "run-1", time: TimeProvider.System)
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        Owner = new RunOwner($"pod:reliability/{KubernetesStandIn.HarnessPodName}/uid-{KubernetesStandIn.HarnessPodName}"),
    };
}
