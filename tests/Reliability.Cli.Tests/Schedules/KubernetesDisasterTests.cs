using Reliability.Experiments.Tests.Drivers;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// A disaster-recovery experiment on Kubernetes, against the API stand-in: its disaster and runbook are planned
/// against the cluster's database pods and printed as the actions an operator runs, and nothing is ever changed.
/// </summary>
public sealed class KubernetesDisasterTests : IAsyncLifetime
{
    private KubernetesStandIn _api = null!;
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        _api = await KubernetesStandIn.StartAsync();
        StandInKubeconfig.Write(_kubeconfig, _api.Address);
    }

    [Fact]
    public async Task A_dry_run_prints_the_disaster_and_the_runbook_as_kubernetes_actions_on_the_database_it_found_and_changes_nothing()
    {
        using var cli = new CliProcess("run", Path.Combine(Repository.Experiments, "db-restore-pitr.yaml"), "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig);

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, cli.Output);

        cli.Output.Should().Contain("db-disaster: dry run only, by the harness")
            .And.Contain("kubectl -n task-manager scale statefulset/postgres --replicas=0")
            .And.Contain("kubectl -n task-manager delete pvc data-postgres-0")
            .And.Contain("delete configmap postgres-config postgres-leader postgres-failover postgres-sync")
            .And.Contain("pods: task-manager/postgres-0");
        cli.Output.Should().Contain("runbook:")
            .And.Contain("1. kubectl -n task-manager patch configmap patroni: bootstrap.method pgbackrest with `pgbackrest --type=default --target-action=promote restore`")
            .And.Contain("2. kubectl -n task-manager exec postgres-0 -c postgres -- pgbackrest --stanza=postgres --type=full backup")
            .And.Contain("3. kubectl -n task-manager scale statefulset/postgres --replicas=1");
        _api.Requests.Should().Contain(r => r.Method == "GET" && r.Path == "/api/v1/namespaces/task-manager/pods");
        _api.Requests.Should().NotContain(r => r.Method != "GET", "a dry run only reads");
    }

    [Fact]
    public async Task A_real_run_of_a_disaster_on_kubernetes_is_refused_with_its_place_before_anything_is_created()
    {
        using var cli = new CliProcess("run", Path.Combine(Repository.Experiments, "db-restore-pitr.yaml"), "--target", "kubernetes", "--kubeconfig", _kubeconfig,
            "--url", "http://127.0.0.1:9/");

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);

        cli.Output.Should().MatchRegex(@"chaos/db-disaster\.yaml:\d+:\d+: spec: DatabaseDisaster is only planned on Kubernetes \(--dry-run\)");
        _api.Requests.Should().NotContain(r => r.Method != "GET", "nothing is created, scaled or deleted");
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        File.Delete(_kubeconfig);
    }
}
