using System.Diagnostics;
using k8s;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Faults;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// What keeps a cluster clean when things go wrong: objects tracked before they are created, rollback that
/// survives one object's failure and issues every delete before it waits, Workflows deleted in the
/// foreground, the harness's own pod never a target, and the sweep of objects whose run is gone.
/// Against <see cref="KubernetesStandIn"/>, which holds deleted chaos behind Chaos Mesh's finalizer.
/// </summary>
public sealed class KubernetesSafetyTests : StandInTests
{

    [Fact]
    public async Task Every_object_carries_the_run_label_and_its_owner_for_a_later_sweep()
    {
        var driver = Driver(owner: "pod:task-manager/other-harness/uid-1");
        await RunAsync(driver, "pod-failure.yaml", TimeSpan.FromMilliseconds(200));

        var post = Api.Requests.Single(r => r.Method == "POST");
        post.Body.Should().Contain("\"reliability.dev/run\":\"run-1\"").And.Contain("\"reliability.dev/owner\":\"pod:task-manager/other-harness/uid-1\"");
    }

    [Fact]
    public async Task A_create_that_times_out_after_the_cluster_stored_the_object_is_still_deleted_at_rollback()
    {
        Api.CreateDelay = TimeSpan.FromSeconds(3);
        var driver = Driver(createTimeout: TimeSpan.FromMilliseconds(300));
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        var plan = await driver.PlanAsync(Faults("pod-failure.yaml"), CancellationToken.None);

        var act = () => driver.RunAsync(plan, journal, CancellationToken.None);

        (await act.Should().ThrowAsync<TimeoutException>()).WithMessage("*may have been stored*");
        Api.Requests.Should().ContainSingle(r => r.Method == "DELETE" && r.Path.EndsWith("/podchaos/sut-pod-failure", StringComparison.Ordinal));
        Api.Live.Should().Be(0);
        journal.Of<FaultRecovered>().Should().ContainSingle().Which.Confirmed.Should().BeTrue();
    }

    [Fact]
    public async Task One_object_that_cannot_be_deleted_is_journalled_and_the_others_are_still_recovered()
    {
        Api.FailDelete = name => name == "sut-pod-failure";
        await using var journal = await RunAsync(Driver(), ["pod-failure.yaml", "pod-kill.yaml"], TimeSpan.FromMilliseconds(200));

        var failed = journal.Of<RollbackFailed>().Should().ContainSingle().Which;
        failed.Fault.Should().Be("sut-pod-failure");
        failed.Error.Should().Contain("HTTP 500").And.Contain("etcdserver");
        failed.Command.Should().Be("kubectl delete podchaos.chaos-mesh.org -n task-manager sut-pod-failure");
        journal.Of<FaultRecovered>().Should().ContainSingle(r => r.Fault == "sut-pod-kill").Which.Confirmed.Should().BeTrue();
    }

    [Fact]
    public async Task Rollback_issues_every_delete_before_it_waits_for_any_recovery()
    {
        Api.RecoveryDelay = TimeSpan.FromSeconds(3);
        var driver = Driver();
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        var plan = await driver.PlanAsync([.. Faults("pod-failure.yaml"), .. Faults("pod-kill.yaml")], CancellationToken.None);
        using var window = new CancellationTokenSource();
        var run = driver.RunAsync(plan, journal, window.Token);
        await Until(() => Api.Live == 2, "both objects created");
        var stopping = Stopwatch.StartNew();

        // The last line of defence, as on Ctrl-C or SIGTERM: everything the run still has, at once.
        await driver.RecoverAllAsync(journal);

        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5.5), "two recoveries of 3 s each overlap; one after the other would take 6 s");
        journal.Of<FaultRecovered>().Should().HaveCount(2).And.OnlyContain(r => r.Confirmed == true);
        Api.Live.Should().Be(0);
        await window.CancelAsync();
        await run;
        journal.Of<FaultRecovered>().Should().HaveCount(2, "nothing is deleted twice");
    }

    [Fact]
    public async Task A_workflow_is_deleted_in_the_foreground_so_that_gone_means_its_children_recovered()
    {
        Api.RecoveryDelay = TimeSpan.FromMilliseconds(300);
        var driver = Driver();
        var plan = await driver.PlanAsync(Faults("zone-failure.yaml"), CancellationToken.None);
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        int? childrenWhenRecovered = null;
        journal.Written += e => childrenWhenRecovered ??= e is FaultRecovered ? Api.ChildrenOf("zone-a-failure") : null;
        using var window = new CancellationTokenSource();
        var run = driver.RunAsync(plan, journal, window.Token);
        await Until(() => Api.ChildrenOf("zone-a-failure") == 2, "the workflow's two chaos children");

        await window.CancelAsync();
        await run;

        childrenWhenRecovered.Should().Be(0, "recovery is journalled only once the children Chaos Mesh made are recovered and gone");
        journal.Of<FaultRecovered>().Should().ContainSingle().Which.Confirmed.Should().BeTrue();
        Api.Requests.Should().ContainSingle(r => r.Method == "DELETE" && r.Path.Contains("/workflows/", StringComparison.Ordinal))
            .Which.Query.Should().Contain("propagationPolicy=Foreground");
    }

    [Fact]
    public async Task A_fault_whose_selector_matches_the_harnesss_own_pod_is_refused_before_anything_is_created()
    {
        // The scheduler put the harness on a zone-a node: the zone failure would cut it off from its load and its evidence.
        Api.MoveHarnessTo("node-a");
        var driver = Driver(owner: $"pod:task-manager/{KubernetesStandIn.HarnessPodName}/uid-{KubernetesStandIn.HarnessPodName}");

        var act = () => driver.PlanAsync(Faults("zone-failure.yaml"), CancellationToken.None);

        (await act.Should().ThrowAsync<ManifestException>()).Which.Problems.Should()
            .Contain(p => p.ToString().Contains("zone-failure.yaml", StringComparison.Ordinal) && p.ToString().Contains($"harness's own pod task-manager/{KubernetesStandIn.HarnessPodName}", StringComparison.Ordinal));
        Api.Requests.Should().NotContain(r => r.Method != "GET");
    }

    [Fact]
    public async Task The_sweep_deletes_the_objects_of_runs_whose_harness_is_gone_waits_for_their_recovery_and_leaves_the_rest()
    {
        Api.RecoveryDelay = TimeSpan.FromMilliseconds(500);
        var dead = DeadProcess();
        await CreateAsync("of-a-killed-process", dead.Value);
        await CreateAsync("of-a-deleted-pod", "pod:task-manager/reliability-gameday-1-gone/uid-gone");
        await CreateAsync("of-a-live-process", RunOwner.Current().Value);
        await CreateAsync("of-the-live-harness-pod", $"pod:task-manager/{KubernetesStandIn.HarnessPodName}/uid-{KubernetesStandIn.HarnessPodName}");
        await CreateAsync("of-a-pod-replaced-under-its-name", $"pod:task-manager/{KubernetesStandIn.HarnessPodName}/uid-of-an-earlier-pod");
        await CreateAsync("of-another-host", "process:build-agent-7/4242/123456");
        await CreateAsync("without-owner", null);

        var result = await new OrphanSweeper(Client, ["task-manager"]) { PollInterval = TimeSpan.FromMilliseconds(20) }.SweepAsync(CancellationToken.None);

        result.Deleted.Should().BeEquivalentTo(
            "podchaos/of-a-killed-process in task-manager", "podchaos/of-a-deleted-pod in task-manager", "podchaos/of-a-pod-replaced-under-its-name in task-manager");
        result.Unknown.Should().HaveCount(2).And.Contain(u => u.Contains("of-another-host", StringComparison.Ordinal)).And.Contain(u => u.Contains("without-owner", StringComparison.Ordinal));
        result.Failed.Should().BeEmpty();
        Api.Live.Should().Be(4, "the sweep returns once Chaos Mesh has recovered what it deleted");
        Api.Requests.Should().Contain(r => r.Method == "GET" && r.Path == "/apis/chaos-mesh.org/v1alpha1/namespaces/task-manager/podchaos" && r.Query.Contains("labelSelector=reliability.dev%2Frun"));
    }

    [Fact]
    public async Task A_swept_object_chaos_mesh_does_not_recover_in_time_is_reported_not_waited_for_forever()
    {
        Api.RecoveryDelay = TimeSpan.FromSeconds(30);
        await CreateAsync("stuck-in-recovery", DeadProcess().Value);

        var result = await new OrphanSweeper(Client, ["task-manager"]) { PollInterval = TimeSpan.FromMilliseconds(20), RecoveryTimeout = TimeSpan.FromMilliseconds(300) }
            .SweepAsync(CancellationToken.None);

        result.Deleted.Should().BeEmpty();
        result.Failed.Should().ContainSingle().Which.Should().Contain("stuck-in-recovery").And.Contain("had not recovered it");
    }

    private static RunOwner DeadProcess()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        var owner = RunOwner.OfProcess(process.Id)!;
        process.Kill();
        process.WaitForExit(5000).Should().BeTrue();
        return owner;
    }

    private async Task CreateAsync(string name, string? owner)
    {
        var metadata = new Dictionary<string, object> { ["name"] = name, ["labels"] = new Dictionary<string, string> { [KubernetesChaosDriver.RunLabel] = $"run-of-{name}" } };
        if (owner is not null)
        {
            metadata["annotations"] = new Dictionary<string, string> { [RunOwner.Annotation] = owner };
        }
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = "chaos-mesh.org/v1alpha1", ["kind"] = "PodChaos", ["metadata"] = metadata,
            ["spec"] = new Dictionary<string, object> { ["action"] = "pod-kill", ["mode"] = "one", ["selector"] = new Dictionary<string, object> { ["namespaces"] = new[] { "task-manager" } } },
        }, KubernetesChaosDriver.Group, KubernetesChaosDriver.Version, "task-manager", "podchaos");
    }

    private Task<ExperimentJournal> RunAsync(KubernetesChaosDriver driver, string manifest, TimeSpan window) => RunAsync(driver, [manifest], window);

    private async Task<ExperimentJournal> RunAsync(KubernetesChaosDriver driver, string[] manifests, TimeSpan window)
    {
        var journal = new ExperimentJournal(null, TimeProvider.System);
        var plan = await driver.PlanAsync([.. manifests.SelectMany(Faults)], CancellationToken.None);
        using var until = new CancellationTokenSource(window);
        await driver.RunAsync(plan, journal, until.Token);
        return journal;
    }

    private KubernetesChaosDriver Driver(string? owner = null, TimeSpan? createTimeout = null) => new(Client, ["task-manager"], "run-1", time: TimeProvider.System)
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        Owner = owner is null ? RunOwner.Current() : new RunOwner(owner),
        CreateTimeout = createTimeout ?? TimeSpan.FromSeconds(30),
    };


    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within 20 s: {what}");
            }
            await Task.Delay(20);
        }
    }
}
