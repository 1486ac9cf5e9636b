using k8s;
using Reliability.Evidence.Journal;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Faults;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// The experiments name zones as the embedded environment does (zone-a...); a cloud's nodes are in
/// us-east-1a and us-east-1b. The same zone-failure plans and runs there, by discovery or by a given mapping.
/// </summary>
public sealed class KubernetesZoneTests : StandInTests
{

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Api.NameZones("us-east-1a", "us-east-1b");
    }

    [Fact]
    public async Task Experiment_zones_stand_for_the_clusters_zones_in_sorted_order_and_the_created_chaos_names_them()
    {
        var driver = Driver();
        var plan = await driver.PlanAsync(Faults("zone-failure.yaml"), CancellationToken.None);

        plan.Leaves.Single(l => l.Fault.Name == "zone-a-pods-fail").Pods.Should().Equal("task-manager/postgres-0", "task-manager/sut-7d9f-a1", "task-manager/sut-7d9f-a2");
        driver.RenamedZones.Should().Equal(new Dictionary<string, string> { ["zone-a"] = "us-east-1a", ["zone-b"] = "us-east-1b" });
        await using var journal = new ExperimentJournal(null, TimeProvider.System);
        using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await driver.RunAsync(plan, journal, window.Token);
        var created = Api.Requests.Single(r => r.Method == "POST").Body;
        created.Should().Contain("\"topology.kubernetes.io/zone\":\"us-east-1a\"").And.NotContain("\"topology.kubernetes.io/zone\":\"zone-a\"");
    }

    [Fact]
    public async Task A_given_mapping_wins_over_discovery()
    {
        var driver = Driver(new Dictionary<string, string> { ["zone-a"] = "us-east-1b" });

        var plan = await driver.PlanAsync(Faults("zone-failure.yaml"), CancellationToken.None);

        plan.Leaves.Single(l => l.Fault.Name == "zone-a-pods-fail").Pods.Should().Equal("task-manager/sut-7d9f-b1");
        Api.Requests.Should().Contain(r => r.Path == "/api/v1/nodes" && r.Query.Contains("us-east-1b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_zone_the_cluster_cannot_stand_for_is_a_problem_at_its_place_naming_the_clusters_zones()
    {
        var driver = Driver(new Dictionary<string, string> { ["zone-a"] = "eu-west-3c" });

        var act = () => driver.PlanAsync(Faults("zone-failure.yaml"), CancellationToken.None);

        (await act.Should().ThrowAsync<ManifestException>()).Which.Problems.Should().Contain(p =>
            p.ToString().Contains("zone-failure.yaml:", StringComparison.Ordinal) && p.ToString().Contains("nodeSelectors", StringComparison.Ordinal));
        Api.Requests.Should().NotContain(r => r.Method != "GET");
    }

    private KubernetesChaosDriver Driver(Dictionary<string, string>? zones = null) => new(Client, ["task-manager"], "run-1", time: TimeProvider.System)
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        Zones = zones ?? [],
    };
}
