using System.Xml.Linq;
using NJsonSchema;
using Reliability.Reports.Model;
using Reliability.Reports.Writers;

namespace Reliability.Reports.Tests;

public sealed class ResultSchemaTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    internal static ResultModel Sample() => new(ResultModel.Version,
        new ExperimentInfo("pod-kill", "One replica is killed.", "experiments/pod-kill.yaml", 7), "local", "completed", false, false,
        [new("steady", T0, T0.AddSeconds(15)), new("fault", T0.AddSeconds(15), T0.AddSeconds(35)), new("recovery", T0.AddSeconds(35), T0.AddSeconds(55))],
        [new("sut-pod-kill", "PodChaos", "pod-kill", T0.AddSeconds(15), T0.AddSeconds(35), ["sut-zone-b-0"], [])],
        [
            new("fault: fail_rate < 5%", "slo", "passed", "2.25 %", "fail_rate < 5%", "400 iterations"),
            new("RTO ≤ 15.0 s", "rto", "failed", "21.0 s", "15.0 s", "back within objective at 07:00:36"),
            new("alert HighErrorRate fires within 15m", "alert", "inconclusive", null, "fire ≤ 30.0 s", "Prometheus could not be queried"),
        ],
        new RpoModel(1152, 0, 0, 0, 3, 0),
        [new("HighErrorRate", "firing", T0.AddSeconds(30))],
        [new("client", "fault", "requests-availability", 97.75, 22.5, 0.017, null), new("server", "fault", "requests-latency", null, null, null, "no data")],
        new LoadModel("crud", T0.AddSeconds(-3), 1100, 1092, 8, new Dictionary<string, long> { ["http_502"] = 8 }, 20, 0,
            new Dictionary<string, double> { ["p50"] = 10.7, ["p95"] = 72.8, ["p99"] = 104.3, ["max"] = 170.1 },
            [new(T0, 20, 0, 10.1, 60.2, 90.3)]));

    [Fact]
    public async Task A_result_validates_against_the_published_schema()
    {
        var schema = await Schema();

        var errors = schema.Validate(ResultJson.Write(Sample()));

        errors.Should().BeEmpty(string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
        ResultJson.Read(ResultJson.Write(Sample())).Verdicts.Should().HaveCount(3);
    }

    [Theory]
    [InlineData("\"status\": \"failed\"", "\"status\": \"red\"")]
    [InlineData("\"schema\": \"reliability.result/v1\"", "\"schema\": \"reliability.result/v2\"")]
    [InlineData("\"target\": \"local\"", "\"target\": \"mars\"")]
    public async Task The_schema_refuses_what_no_renderer_understands(string from, string to)
    {
        var json = ResultJson.Write(Sample()).Replace(from, to, StringComparison.Ordinal);

        (await Schema()).Validate(json).Should().NotBeEmpty();
    }

    [Fact]
    public void JUnit_has_a_case_per_hypothesis_with_the_measured_value_in_failures_and_inconclusive_as_errors()
    {
        var xml = XDocument.Parse(JUnitWriter.Write([Sample()]));

        var suite = xml.Root!.Element("testsuite")!;
        suite.Attribute("tests")!.Value.Should().Be("3");
        suite.Attribute("failures")!.Value.Should().Be("1");
        suite.Attribute("errors")!.Value.Should().Be("1");
        var failure = suite.Elements("testcase").Single(c => c.Attribute("name")!.Value == "RTO ≤ 15.0 s").Element("failure")!;
        failure.Attribute("message")!.Value.Should().Be("measured 21.0 s, threshold 15.0 s");
        suite.Elements("testcase").Single(c => c.Attribute("classname")!.Value == "pod-kill.alert").Element("error").Should().NotBeNull();
    }

    [Fact]
    public void The_markdown_summary_has_the_verdicts_the_injection_the_alert_delay_and_the_artefacts()
    {
        var markdown = MarkdownWriter.Write(Sample());

        markdown.Should().Contain("## Experiment pod-kill: FAILED").And.Contain("| RTO ≤ 15.0 s | **FAILED** | 21.0 s | 15.0 s |")
            .And.Contain("sut-pod-kill (pod-kill) at 07:00:15, recovered at 07:00:35: sut-zone-b-0")
            .And.Contain("HighErrorRate firing 15.0 s after injection").And.Contain("[junit.xml](junit.xml)");
    }

    internal static Task<JsonSchema> Schema()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "reports", "schema", "result-v1.schema.json");
            if (File.Exists(path))
            {
                return JsonSchema.FromFileAsync(path);
            }
        }
        throw new FileNotFoundException("reports/schema/result-v1.schema.json");
    }
}
