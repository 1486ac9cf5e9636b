using Reliability.Slo.Specs;

namespace Reliability.Slo.Tests.Specs;

public sealed class SloSpecFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slo-spec-").FullName;

    [Fact]
    public void The_shipped_spec_has_availability_and_latency()
    {
        var spec = SloSpecFile.Load(Path.Combine(Repository.Root, "slo", "specs", "task-manager.yaml"));

        spec.Service.Should().Be("task-manager");
        spec.Slos.Select(s => (s.Name, s.Objective)).Should().Equal(("requests-availability", 99.9), ("requests-latency", 95.0));
        RuleGenerator.Budget(spec.Slos[0]).Should().Be(0.001m, "the budget is computed in decimal, so 99.9 gives exactly 0.001");
        spec.Slos[1].ErrorQueryFor("5m").Should().Contain("le=\"0.5\"}[5m]");
    }

    [Fact]
    public void Problems_are_located()
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, """
            version: "prometheus/v1"
            service: "svc"
            slos:
              - name: "a"
                objective: 100
                sli:
                  events:
                    error_query: sum(rate(errors[5m]))
                    total_query: sum(rate(total[{{.window}}]))
                alerting: { name: A, pages: {} }
            """);

        var act = () => SloSpecFile.Load(path);

        act.Should().Throw<SloSpecException>().Which.Problems.Should().BeEquivalentTo(
        [
            $"{path}:5:16: slos[0].objective: a percentage strictly between 0 and 100 is required, e.g. 99.9",
            $"{path}:8:22: slos[0].sli.events.error_query: a PromQL query with a {{{{.window}}}} placeholder is required",
            $"{path}:10:26: slos[0].alerting.pages: unknown field (expected one of name, labels, annotations, page_alert, ticket_alert)",
        ]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

internal static class Repository
{
    public static string Root { get; } = Locate();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "slo", "specs")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("slo/specs");
    }
}
