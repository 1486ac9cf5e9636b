using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Embedded;

/// <summary>Start-up failures and shutdown: nothing may outlive an environment.</summary>
public sealed class LocalEnvironmentLifecycleTests
{
    private static readonly EnvironmentOptions Small = new() { Zones = ["zone-a"], ReplicasPerZone = 1, Database = Reliability.Sut.Local.Database.DatabaseMode.Single };

    [Fact]
    public async Task Disposing_stops_every_process_and_removes_the_run_directory()
    {
        var environment = await LocalEnvironment.StartAsync(Small);
        var pids = RecordedPids(environment.Run.Path);
        pids.Should().HaveCount(4, "PostgreSQL, one replica, Prometheus and Alertmanager");
        pids.Should().AllSatisfy(pid => Posix.IsAlive(pid).Should().BeTrue());

        await environment.DisposeAsync();

        pids.Should().AllSatisfy(pid => Posix.IsAlive(pid).Should().BeFalse($"pid {pid} must be stopped"));
        Directory.Exists(environment.Run.Path).Should().BeFalse();
    }

    [Fact]
    public async Task A_component_that_fails_to_start_is_named_with_its_log_and_nothing_is_left_running()
    {
        var runs = Path.Combine(Path.GetTempPath(), $"env-fail-{Guid.NewGuid():N}");
        try
        {
            var start = () => LocalEnvironment.StartAsync(Small with
            {
                RunRoot = runs,
                ExtraRuleFiles = [("broken.yaml", "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: this is not promql (\n")],
            });

            var failure = (await start.Should().ThrowAsync<ComponentStartException>()).Which;

            failure.Component.Should().Be("prometheus");
            failure.Message.Should().Contain("last lines of its log").And.Contain("broken.yaml");
            Directory.EnumerateDirectories(runs).Should().BeEmpty("a failed start cleans up after itself");
            ProcessesUnder(runs).Should().BeEmpty();
        }
        finally
        {
            if (Directory.Exists(runs))
            {
                Directory.Delete(runs, recursive: true);
            }
        }
    }

    private static List<int> RecordedPids(string run) =>
        Directory.EnumerateFiles(Path.Combine(run, "processes")).Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static IEnumerable<string> ProcessesUnder(string path) =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists)
            .Select(f => { try { return File.ReadAllText(f).Replace('\0', ' '); } catch (IOException) { return ""; } })
            .Where(cmd => cmd.Contains(path, StringComparison.Ordinal));
}
