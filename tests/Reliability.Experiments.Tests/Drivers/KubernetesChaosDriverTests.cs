using k8s;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>The Kubernetes driver against <see cref="KubernetesStandIn"/> (no API server can run here).</summary>
public sealed class KubernetesChaosDriverTests : StandInTests
{

    [Fact]
    public async Task Creates_the_chaos_with_a_run_label_waits_for_injection_deletes_it_and_waits_until_it_is_gone()
    {
        var driver = Driver();
        var faults = Faults("pod-failure.yaml");
        var plan = await driver.PlanAsync(faults, CancellationToken.None);
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await driver.RunAsync(plan, journal, window.Token);

        var post = Api.Requests.Single(r => r.Method == "POST");
        post.Path.Should().Be("/apis/chaos-mesh.org/v1alpha1/namespaces/task-manager/podchaos");
        post.Body.Should().Contain("\"reliability.dev/run\":\"run-1\"").And.Contain("\"action\":\"pod-failure\"");
        Api.Requests.Should().Contain(r => r.Method == "GET" && r.Path == "/apis/chaos-mesh.org/v1alpha1/namespaces/task-manager/podchaos/sut-pod-failure");
        Api.Requests.Should().ContainSingle(r => r.Method == "DELETE" && r.Path == "/apis/chaos-mesh.org/v1alpha1/namespaces/task-manager/podchaos/sut-pod-failure");
        Api.Live.Should().Be(0);
        journal.Events.Select(e => e.GetType()).Should().ContainInOrder(typeof(ChaosObjectCreated), typeof(FaultInjected), typeof(FaultRecovered));
        journal.Of<FaultRecovered>().Single().Confirmed.Should().BeTrue();
        plan.Leaves.Single().Pods.Should().Equal("task-manager/sut-7d9f-a1", "task-manager/sut-7d9f-a2", "task-manager/sut-7d9f-b1");
    }

    [Fact]
    public async Task Node_selectors_resolve_through_the_nodes_zone_label()
    {
        var plan = await Driver().PlanAsync(Faults("zone-failure.yaml"), CancellationToken.None);

        plan.Leaves.Single(l => l.Fault.Name == "zone-a-pods-fail").Pods.Should().Equal("task-manager/postgres-0", "task-manager/sut-7d9f-a1", "task-manager/sut-7d9f-a2");
        Api.Requests.Should().Contain(r => r.Path == "/api/v1/nodes" && r.Query.Contains("labelSelector=topology.kubernetes.io%2Fzone%3Dzone-a"));
    }

    [Fact]
    public async Task A_namespace_outside_the_allow_list_is_refused_before_any_request()
    {
        var driver = new KubernetesChaosDriver(Client, ["staging"], "run-1", time: TimeProvider.System);

        var act = () => driver.PlanAsync(Faults("pod-kill.yaml"), CancellationToken.None);

        (await act.Should().ThrowAsync<ManifestException>()).Which.Problems.Should().ContainSingle(p => p.Path == "metadata.namespace" && p.Message.Contains("allow-list"));
        Api.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_selector_that_matches_no_pod_in_the_cluster_is_an_error()
    {
        var yaml = File.ReadAllText(Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", "pod-kill.yaml")).Replace("app: sut", "app: payments");
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            var act = () => Driver().PlanAsync([FaultReader.Read(ChaosDocument.Load(path)[0], strict: false)], CancellationToken.None);

            (await act.Should().ThrowAsync<ManifestException>()).WithMessage("*matches no pod in the cluster*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_refused_object_is_reported_with_the_clusters_reason_and_nothing_stays_behind()
    {
        await WithRenamedAsync("pod-kill.yaml", "sut-pod-kill", "refused-pod-kill", async faults =>
        {
            var driver = Driver();
            var plan = await driver.PlanAsync(faults, CancellationToken.None);
            await using var journal = new ExperimentJournal(null, TimeProvider.System);

            var act = () => driver.RunAsync(plan, journal, CancellationToken.None);

            (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*refused PodChaos task-manager/refused-pod-kill*HTTP 422*denied the request*");
            Api.Live.Should().Be(0);
            journal.Of<FaultInjected>().Should().BeEmpty();
        });
    }

    [Fact]
    public async Task An_object_whose_selector_found_no_pod_is_not_taken_as_injected_although_chaos_mesh_says_all_injected()
    {
        await WithRenamedAsync("pod-failure.yaml", "sut-pod-failure", "unselected-pod-failure", async faults =>
        {
            var driver = Driver();
            var plan = await driver.PlanAsync(faults, CancellationToken.None);
            await using var journal = new ExperimentJournal(null, TimeProvider.System);

            var act = () => driver.RunAsync(plan, journal, CancellationToken.None);

            (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*selected no pod for podchaos/unselected-pod-failure*");
            journal.Of<FaultInjected>().Should().BeEmpty();
            Api.Live.Should().Be(0, "rollback deleted it and waited until it was gone");
        });
    }

    /// <summary>A shipped manifest under another name (the stand-in answers by name), read as the experiment reader reads it.</summary>
    private static async Task WithRenamedAsync(string file, string from, string to, Func<IReadOnlyList<FaultNode>, Task> test)
    {
        var yaml = File.ReadAllText(Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", file)).Replace($"name: {from}", $"name: {to}");
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            await test([FaultReader.Read(ChaosDocument.Load(path)[0], strict: false)]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Pod_restarts_and_readiness_come_from_a_watch()
    {
        await using var journal = new ExperimentJournal(null, TimeProvider.System);

        await using (var watcher = Driver().Observers(TimeProvider.System).Single())
        {
            await watcher.StartAsync(journal, CancellationToken.None);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (journal.Of<PodEvent>().Count() < 6 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        var events = journal.Of<PodEvent>().ToList();
        events.Where(e => e.Event == "added").Should().HaveCount(5, "four serving pods and the harness's own");
        events.Should().ContainSingle(e => e.Event == "restarted").Which.Pod.Should().Be("sut-7d9f-a1");
        Api.Requests.Should().Contain(r => r.Path == "/api/v1/namespaces/task-manager/pods" && r.Query.Contains("watch=true"));
    }

    private KubernetesChaosDriver Driver() => new(Client, ["task-manager"], "run-1", time: TimeProvider.System) { PollInterval = TimeSpan.FromMilliseconds(20) };
}
