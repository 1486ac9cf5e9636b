using System.Text.RegularExpressions;
using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests;

public sealed partial class CommandLineTests
{
    [Fact]
    public async Task Gameday_runs_the_journey_on_an_embedded_postgres_and_exits_0()
    {
        var reports = Path.Combine(Path.GetTempPath(), $"gameday-{Guid.NewGuid():N}");
        using var cli = new CliProcess("gameday", "--output", reports);
        try
        {
            var exit = await cli.WaitAsync(TimeSpan.FromMinutes(2));
            exit.Should().Be(0, cli.Output);
            cli.Output.Should().Contain("All 12 steps passed.").And.Contain("experiment runner is not built yet");
            File.ReadAllText(Path.Combine(reports, "summary.md")).Should().Contain("| POST /api/auth/login | 200 | 200 |");
            File.ReadAllText(Path.Combine(reports, "result.json")).Should().Contain("\"passed\": true");
        }
        finally
        {
            if (Directory.Exists(reports))
            {
                Directory.Delete(reports, recursive: true);
            }
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
    public async Task Kubernetes_target_is_refused_until_its_driver_exists_exit_3()
    {
        using var cli = new CliProcess("gameday", "--target", "kubernetes");
        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(3);
        cli.Output.Should().Contain("not built yet");
    }

    [Fact]
    public async Task Validate_passes_the_shipped_experiments_and_fails_a_broken_manifest_with_its_position()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        using (var ok = new CliProcess("validate", Path.Combine(root, "experiments")))
        {
            (await ok.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, ok.Output);
            ok.Output.Should().MatchRegex(@"[1-9]\d* Chaos Mesh manifest file\(s\) and [1-9]\d* experiment\(s\) and 0 SLO spec\(s\) checked, 0 problem");
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
