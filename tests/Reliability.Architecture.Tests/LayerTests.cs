namespace Reliability.Architecture.Tests;

public sealed class LayerTests
{
    [Fact]
    public void Every_product_project_references_only_what_its_layer_may_use()
    {
        var graph = Layers.Read(Repository.Root);

        graph.Keys.Should().Contain(["Reliability.Evidence", "Reliability.Experiments", "Reliability.Slo", "Reliability.Reports", Layers.Cli], "the reader finds the projects");
        Layers.Violations(graph).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Reliability.Reports", "Reliability.Experiments", "Reliability.Reports may use only Reliability.Evidence")]
    [InlineData("Reliability.Slo", "Reliability.Experiments", "never a driver, never the runner")]
    [InlineData("Reliability.Experiments", "Reliability.Slo", "Reliability.Experiments may use only")]
    [InlineData("Reliability.Load", "Reliability.Evidence", "nothing of the project")]
    [InlineData("Reliability.Evidence", Layers.Cli, "nothing references the composition root")]
    public void A_forbidden_reference_turns_the_check_red(string from, string to, string because)
    {
        var graph = Layers.Read(Repository.Root).ToDictionary(kv => kv.Key, kv => kv.Value);
        graph[from] = [.. graph[from], to];

        var violations = Layers.Violations(graph);

        violations.Should().ContainSingle().Which.Should().StartWith($"{from} → {to}");
        if (because != "never a driver, never the runner")
        {
            violations[0].Should().Contain(because);
        }
    }

    [Fact]
    public void A_new_project_without_a_layer_turns_the_check_red()
    {
        var graph = Layers.Read(Repository.Root).ToDictionary(kv => kv.Key, kv => kv.Value);
        graph["Reliability.Misc"] = [];

        Layers.Violations(graph).Should().ContainSingle().Which.Should().Contain("no place in the layers");
    }
}
