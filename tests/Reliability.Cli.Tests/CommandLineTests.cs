using System.Text.RegularExpressions;
using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests;

public sealed partial class CommandLineTests
{
    [Fact]
    public async Task Gameday_runs_a_plan_on_one_environment_and_writes_the_consolidated_reports()
    {
        var work = Directory.CreateTempSubdirectory("gameday-").FullName;
        var experiments = Path.Combine(Repository.Experiments);
        File.WriteAllText(Path.Combine(work, "short.yaml"), $"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: short-pod-kill {"}"}
            faults: ["{Path.Combine(experiments, "chaos", "pod-kill.yaml")}"]
            load: {"{"} scenario: browse, rate: 5, warmUp: 1s {"}"}
            timeline: {"{"} steadyState: 3s, fault: 4s, recovery: 4s {"}"}
            hypotheses: {"{"} slo: {"{"} steady: ["fail_rate < 5%"], recovery: ["fail_rate < 5%"] {"}"} {"}"}
            seed: 3
            """);
        File.WriteAllText(Path.Combine(work, "plan.yaml"), """
            apiVersion: reliability.dev/v1alpha1
            kind: GameDay
            metadata: { name: short }
            coolDown: 1s
            experiments:
              - path: short.yaml
              - path: short.yaml
                weight: 3
            """);
        var reports = Path.Combine(work, "reports");
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "gameday", "--plan", Path.Combine(work, "plan.yaml"), "--output", reports);
        try
        {
            var exit = await cli.WaitAsync(TimeSpan.FromMinutes(4));
            exit.Should().Be(0, cli.Output);
            cli.Output.Should().Contain("resilience score 100.0 / 100");
            File.ReadAllText(Path.Combine(reports, "gameday.json")).Should().Contain("\"resilienceScore\": 100").And.Contain("\"schema\": \"reliability.gameday/v1\"");
            File.ReadAllText(Path.Combine(reports, "summary.md")).Should().Contain("| short-pod-kill | 3 | passed | 2 / 2 |");
            System.Xml.Linq.XDocument.Load(Path.Combine(reports, "junit.xml")).Descendants("testsuite").Should().HaveCount(2);
            File.Exists(Path.Combine(reports, "02-short-pod-kill", "result.json")).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Sut_up_stops_postgres_and_the_sut_on_SIGINT()
    {
        using var cli = new CliProcess("sut", "up");
        await Wait.Until(() => cli.Output.Contains("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromMinutes(1), () => cli.Output);
        var run = RunFolder().Match(cli.Output).Groups[1].Value.Trim();
        var recorded = Directory.EnumerateFiles(Path.Combine(run, "processes")).Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        recorded.Should().HaveCount(2, "PostgreSQL and the SUT");

        Posix.Signal(cli.Pid, Posix.SIGINT).Should().BeTrue();

        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, cli.Output);
        recorded.Should().AllSatisfy(pid => Posix.IsAlive(pid).Should().BeFalse($"pid {pid} must be stopped"));
        Directory.Exists(run).Should().BeFalse();
    }

    [Fact]
    public async Task Validate_passes_the_shipped_experiments_and_fails_a_broken_manifest_with_its_position()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        using (var ok = new CliProcess("validate", Path.Combine(root, "experiments")))
        {
            (await ok.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, ok.Output);
            ok.Output.Should().MatchRegex(@"[1-9]\d* Chaos Mesh manifest file\(s\), [1-9]\d* experiment\(s\), [1-9]\d* game day\(s\) and 0 SLO spec\(s\) checked, 0 problem");
        }
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(broken, "apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata:\n  name: x\nspec:\n  action: pod-kill\n  mode: one\n  selectr: {}\n");
        try
        {
            using var bad = new CliProcess("validate", broken);
            (await bad.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(2);
            bad.Output.Should().Contain($"{broken}:8:3: spec.selectr: unknown field").And.Contain($"{broken}:6:3: spec.selector: is required");
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task An_unknown_command_is_invalid_input_exit_2()
    {
        using var cli = new CliProcess("no-such-command");
        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(2);
        cli.Output.Should().Contain("no-such-command");
    }

    [GeneratedRegex(@"Logs\s+(\S+)")]
    private static partial Regex RunFolder();
}
