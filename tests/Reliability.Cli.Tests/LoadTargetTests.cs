using System.Text.Json;
using Reliability.Experiments.Tests.Drivers;

namespace Reliability.Cli.Tests;

/// <summary>
/// Targets other than the bundled SUT, through the same seam the SUT's scenarios use: the http target
/// against any URL, a user's own scenarios from an assembly of theirs, and an experiment whose load is not
/// the task manager's.
/// </summary>
public sealed class LoadTargetTests : IAsyncLifetime
{
    private PlainService _service = null!;
    private readonly string _work = Directory.CreateTempSubdirectory("load-targets-").FullName;

    public async Task InitializeAsync() => _service = await PlainService.StartAsync();

    [Fact]
    public async Task Load_http_gets_exactly_the_url_given_in_the_open_model_and_judges_its_thresholds()
    {
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "load", "http", "--target", new Uri(_service.Address, "ping?from=test").ToString(),
            "--rate", "40", "--duration", "2s", "--threshold", "fail_rate < 1%", "--output", Path.Combine(_work, "open"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, cli.Output);

        cli.Output.Should().Contain("threshold passed: fail_rate < 1%");
        _service.Requests.Should().HaveCountGreaterThanOrEqualTo(70).And.OnlyContain(r => r.Method == "GET" && r.PathAndQuery == "/ping?from=test");
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "open", "load-result.json"))).RootElement.GetProperty("summary");
        summary.GetProperty("ok").GetInt64().Should().Be(summary.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Load_http_runs_the_closed_model_and_fails_a_threshold_it_cannot_meet()
    {
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "load", "http:get", "--target", new Uri(_service.Address, "missing").ToString(),
            "--users", "2", "--duration", "1s", "--threshold", "fail_rate < 1%", "--output", Path.Combine(_work, "closed"));

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(1, "every GET of a missing page is a 404: " + cli.Output);
        cli.Output.Should().Contain("http_404");
    }

    [Fact]
    public async Task A_scenario_the_catalog_does_not_know_is_invalid_input_naming_what_it_knows()
    {
        using var cli = new CliProcess("load", "checkout", "--target", _service.Address.ToString(), "--rate", "1");

        (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);
        cli.Output.Should().Contain("'checkout' is not one of").And.Contain("crud").And.Contain("http");
    }

    [Fact]
    public async Task A_users_own_scenarios_run_from_their_assembly_with_headers_and_bodies()
    {
        using var browse = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "load", "catalog:browse", "--scenarios", SampleAssembly(),
            "--target", _service.Address.ToString(), "--rate", "20", "--duration", "2s", "--threshold", "fail_rate < 1%", "--output", Path.Combine(_work, "catalog"));
        (await browse.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, browse.Output);
        using var search = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "load", "search", "--scenarios", SampleAssembly(),
            "--target", _service.Address.ToString(), "--users", "1", "--duration", "1s", "--output", Path.Combine(_work, "search"));
        (await search.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, search.Output);

        browse.Output.Should().Contain("load target catalog from").And.Contain("list-products").And.Contain("get-product");
        _service.Requests.Should().Contain(r => r.PathAndQuery == "/products")
            .And.Contain(r => r.PathAndQuery.StartsWith("/products/", StringComparison.Ordinal) && r.Shop == "sample")
            .And.Contain(r => r.Method == "POST" && r.PathAndQuery == "/products/search");
    }

    [Fact]
    public async Task An_experiment_loads_a_service_that_is_not_the_bundled_sut_through_the_http_target()
    {
        await using var api = await KubernetesStandIn.StartAsync();
        var kubeconfig = Path.Combine(_work, "kubeconfig");
        StandInKubeconfig.Write(kubeconfig, api.Address);
        var experiment = Path.Combine(_work, "http-pod-kill.yaml");
        File.WriteAllText(experiment, $$"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: { name: http-pod-kill }
            faults: ["{{Path.Combine(Repository.Experiments, "chaos", "pod-kill.yaml")}}"]
            load: { target: http, rate: 10, warmUp: 1s }
            timeline: { steadyState: 2s, fault: 2s, recovery: 2s }
            hypotheses: { slo: { steady: ["fail_rate < 1%"], recovery: ["fail_rate < 1%"] } }
            seed: 1
            """);
        var output = Path.Combine(_work, "experiment");

        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "run", experiment, "--target", "kubernetes", "--kubeconfig", kubeconfig,
            "--url", new Uri(_service.Address, "ping").ToString(), "--output", output);

        (await cli.WaitAsync(TimeSpan.FromMinutes(2))).Should().Be(0, cli.Output);
        var journal = File.ReadAllText(Path.Combine(output, "journal.jsonl"));
        journal.Should().Contain("\"type\":\"created\"").And.Contain("\"type\":\"injected\"").And.Contain("\"target\":\"http\"");
        _service.Requests.Should().HaveCountGreaterThan(40).And.OnlyContain(r => r.PathAndQuery == "/ping", "the load is the http target's, not the task manager's");
        File.ReadAllText(Path.Combine(output, "summary.md")).Should().Contain("PASSED");
    }

    /// <summary>The sample's assembly, built beside this test project in the same configuration.</summary>
    private static string SampleAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(Repository.Experiments, "..", "samples", "Reliability.Samples.Scenarios", "bin", configuration, "net10.0", "Reliability.Samples.Scenarios.dll");
        File.Exists(path).Should().BeTrue($"the sample is built before these tests ({path})");
        return Path.GetFullPath(path);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}
