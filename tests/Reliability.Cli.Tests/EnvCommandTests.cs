using System.Text.RegularExpressions;
using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests;

public sealed partial class EnvCommandTests : IDisposable
{
    private readonly string _runs = Path.Combine(Path.GetTempPath(), $"env-cli-{Guid.NewGuid():N}");

    [Fact]
    public async Task Env_up_reports_its_endpoints_and_stops_everything_on_SIGTERM()
    {
        using var cli = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = _runs, ["CI"] = "true" }, "env", "up");
        await Wait.Until(() => cli.Output.Contains("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromMinutes(1), () => cli.Output);
        cli.Output.Should().Contain("entry point").And.Contain("prometheus").And.Contain("alertmanager").And.Contain("Patroni cluster postgres-0 (zone-a, master)");
        await Wait.Until(() => cli.Output.Contains("lb Healthy", StringComparison.Ordinal), TimeSpan.FromSeconds(10), () => cli.Output);
        var pids = RecordedPids();
        pids.Should().HaveCount(13, "three etcd members, two Patroni members, six replicas, Prometheus and Alertmanager");
        var run = Directory.EnumerateDirectories(_runs).Single();
        Posix.ProcessesMentioning(run).Except(pids).Where(pid => !Posix.CommandLineMentions(pid, "reliability-reaper")).Should()
            .HaveCount(2, "the two postmasters Patroni started are not in the ledger but name the run's folder");

        Posix.Signal(cli.Pid, Posix.SIGTERM).Should().BeTrue();

        (await cli.WaitAsync(TimeSpan.FromSeconds(90))).Should().Be(0, cli.Output);
        pids.Should().AllSatisfy(pid => Posix.IsAlive(pid).Should().BeFalse());
        Posix.ProcessesMentioning(run).Should().BeEmpty("no etcd, Patroni or PostgreSQL process outlives the run");
        Directory.EnumerateDirectories(_runs).Should().BeEmpty();
    }

    [Fact]
    public async Task A_SIGKILLed_harness_takes_its_processes_with_it_and_the_next_start_removes_its_folder()
    {
        List<int> children;
        using (var cli = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = _runs, ["CI"] = "true" }, "sut", "up"))
        {
            await Wait.Until(() => cli.Output.Contains("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromMinutes(1), () => cli.Output);
            children = RecordedPids();
            cli.KillHard();
        }
        children.Should().HaveCount(2, "PostgreSQL and the SUT");

        // No next start needed: each child's parent-death signal fires with the harness.
        await Wait.Until(() => children.All(pid => !Posix.IsAlive(pid)), TimeSpan.FromSeconds(10), () => "the harness's children outlived it");
        using var next = RunDirectory.Create("next", _runs);
        Directory.EnumerateDirectories(_runs).Should().ContainSingle().Which.Should().Be(next.Path, "the dead run's folder is swept");
    }

    [Fact]
    public async Task A_SIGKILLed_env_up_leaves_no_etcd_patroni_or_detached_postmaster_running()
    {
        string run;
        using (var cli = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = _runs, ["CI"] = "true" }, "env", "up"))
        {
            await Wait.Until(() => cli.Output.Contains("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromMinutes(1), () => cli.Output);
            run = Directory.EnumerateDirectories(_runs).Single();
            Posix.ProcessesMentioning(run).Should().HaveCountGreaterThan(5, "etcd, Patroni and PostgreSQL run on the run's files");
            cli.KillHard();
        }

        // The postmasters are Patroni's detached children, not the harness's: the run's reaper takes them.
        await Wait.Until(() => Posix.ProcessesMentioning(run).Count == 0, TimeSpan.FromSeconds(10),
            () => $"still alive: {string.Join(", ", Posix.ProcessesMentioning(run))}");
    }

    private List<int> RecordedPids() =>
        Directory.EnumerateDirectories(_runs).SelectMany(run => Directory.EnumerateFiles(Path.Combine(run, "processes")))
            .Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();


    public void Dispose()
    {
        if (Directory.Exists(_runs))
        {
            StaleRunSweeper.Sweep(_runs);
            foreach (var run in Directory.EnumerateDirectories(_runs))
            {
                foreach (var ledger in Directory.EnumerateFiles(Path.Combine(run, "processes")))
                {
                    Posix.Signal(int.Parse(Path.GetFileName(ledger), System.Globalization.CultureInfo.InvariantCulture), Posix.SIGKILL);
                }
            }
            Directory.Delete(_runs, recursive: true);
        }
    }
}
