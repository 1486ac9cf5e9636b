using System.Text.Json.Nodes;

namespace Reliability.Sut.Tests.Deploy;

public sealed class WorkflowsTests
{
    private static JsonNode Workflow(string name) => Repository.YamlToJson(File.ReadAllText(Repository.PathOf($".github/workflows/{name}")));

    [Fact]
    public void Build_and_test_runs_the_readme_test_command()
    {
        var readme = File.ReadAllText(Repository.PathOf("README.md"));
        readme.Should().Contain("bash scripts/test.sh");
        Workflow("ci.yml").ToJsonString().Should().Contain("bash scripts/test.sh");
        File.ReadAllText(Repository.PathOf(".ci/run")).Should().Contain("bash scripts/test.sh");
    }

    [Fact]
    public void The_smoke_experiment_uploads_its_reports_even_when_it_fails()
    {
        var steps = Workflow("smoke.yml")["jobs"]!["smoke"]!["steps"]!.AsArray();
        var upload = steps.Single(s => s!["uses"]?.GetValue<string>().StartsWith("actions/upload-artifact", StringComparison.Ordinal) == true)!;
        upload["if"]!.GetValue<string>().Should().Be("always()");
    }

    [Fact]
    public void The_game_day_runs_on_a_schedule_against_a_cluster_from_a_kubeconfig_secret()
    {
        var gameday = Workflow("gameday.yml");
        gameday["on"]!["schedule"]![0]!["cron"]!.GetValue<string>().Split(' ').Should().HaveCount(5);
        var text = gameday.ToJsonString();
        text.Should().Contain("secrets.GAMEDAY_KUBECONFIG").And.Contain("--target kubernetes");
    }
}
