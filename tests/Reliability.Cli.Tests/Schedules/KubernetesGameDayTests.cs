using Reliability.Experiments.Tests.Drivers;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// `gameday --target kubernetes`, what the schedules run, as a real process against the API stand-in
/// (no Kubernetes API server can run here): the default plan is planned against the cluster and nothing is created.
/// </summary>
public sealed class KubernetesGameDayTests : IAsyncLifetime
{
    private KubernetesStandIn _api = null!;
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        _api = await KubernetesStandIn.StartAsync();
        StandInKubeconfig.Write(_kubeconfig, _api.Address);
    }

    [Fact]
    public async Task A_dry_run_plans_every_experiment_of_the_default_plan_against_the_cluster_and_creates_nothing()
    {
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "gameday", "--target", "kubernetes", "--dry-run",
            "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"), "--kubeconfig", _kubeconfig);

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, cli.Output);

        cli.Output.Should().Contain("pod-kill against the cluster").And.Contain("zone-failure against the cluster")
            .And.Contain("nothing was created in the cluster").And.NotContain("not-a-real-token");
        cli.Output.Should().Contain("validated against the cluster's Chaos Mesh CRDs (11 kinds served");
        _api.Requests.Should().Contain(r => r.Method == "GET" && r.Path == "/api/v1/namespaces/task-manager/pods");
        _api.Requests.Should().Contain(r => r.Method == "GET" && r.Path == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/podchaos.chaos-mesh.org");
        _api.Requests.Should().NotContain(r => r.Method != "GET", "a dry run only reads");
    }

    [Fact]
    public async Task The_experiments_are_validated_against_the_chaos_mesh_release_the_cluster_serves()
    {
        // A cluster whose Chaos Mesh knows no pod-kill action: the bundled v2.8 CRDs would accept the plan, the cluster would not.
        _api.EditCrd = crd =>
        {
            if (crd["spec"]!["names"]!["kind"]!.ToString() == "PodChaos")
            {
                var action = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["action"]!;
                action["enum"] = new System.Text.Json.Nodes.JsonArray("pod-failure", "container-kill");
            }
        };
        using var cli = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig,
            "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);

        cli.Output.Should().MatchRegex(@"chaos/pod-kill\.yaml:\d+:\d+: spec\.action: .*pod-kill");
        _api.Requests.Should().NotContain(r => r.Method != "GET");
    }

    [Fact]
    public async Task When_the_harness_may_not_read_CRDs_it_falls_back_to_the_bundled_ones_and_says_so()
    {
        _api.CrdStatus = 403;
        using var cli = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig,
            "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, cli.Output);

        cli.Output.Should().Contain("validated against the bundled Chaos Mesh CRDs v2.8").And.Contain("may not read the cluster's CRDs (HTTP 403");
    }

    [Fact]
    public async Task Experiment_zones_are_mapped_to_the_clusters_as_given_and_a_malformed_mapping_is_invalid_input()
    {
        var plan = Path.Combine(Repository.Experiments, "gamedays", "default.yaml");
        using (var malformed = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig, "--plan", plan, "--zone", "zone-a"))
        {
            (await malformed.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, malformed.Output);
            malformed.Output.Should().Contain("--zone: expected EXPERIMENT_ZONE=CLUSTER_ZONE");
        }

        using var mapped = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig, "--plan", plan, "--zone", "zone-a=zone-b");

        (await mapped.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, mapped.Output);
        mapped.Output.Should().Contain("zones: zone-a is zone-b");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("NaN")]
    [InlineData("fast")]
    public async Task An_alert_time_scale_outside_zero_to_one_is_invalid_input_before_the_cluster_is_asked(string scale)
    {
        var plan = Path.Combine(Repository.Experiments, "gamedays", "default.yaml");
        using var cli = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig, "--plan", plan, "--alert-time-scale", scale);

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);
        cli.Output.Should().Contain("--alert-time-scale: expected a number greater than 0 and at most 1");
    }

    [Fact]
    public async Task A_forbidden_kubernetes_api_is_one_line_with_exit_3_and_no_stack_trace()
    {
        _api.PodsStatus = 403;
        using var cli = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--kubeconfig", _kubeconfig,
            "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(3, cli.Output);

        cli.Output.Should().Contain("the Kubernetes API answered 403").And.Contain("cannot list resource \"pods\"");
        cli.Output.Should().NotContain("   at ", "a foreseen failure is one line; --verbose prints the trace");
    }

    [Fact]
    public async Task Without_the_service_url_a_real_run_is_refused_before_touching_the_cluster()
    {
        using var cli = new CliProcess("gameday", "--target", "kubernetes", "--kubeconfig", _kubeconfig, "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);

        cli.Output.Should().Contain("--url");
        _api.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_namespace_outside_the_allow_list_is_invalid_input()
    {
        using var cli = new CliProcess("gameday", "--target", "kubernetes", "--dry-run", "--allow-namespace", "staging", "--kubeconfig", _kubeconfig,
            "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);

        cli.Output.Should().MatchRegex(@"pod-kill\.yaml:\d+:\d+: .*not on the allow-list \(staging\)");
    }

    public async Task DisposeAsync()
    {
        File.Delete(_kubeconfig);
        await _api.DisposeAsync();
    }
}
