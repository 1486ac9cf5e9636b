using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
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

    [Fact]
    public async Task A_single_database_restarted_on_another_port_is_reached_through_the_replicas_links_again()
    {
        await using var environment = await LocalEnvironment.StartAsync(Small with { WithMonitoring = false });
        var postgres = environment.Postgres!;
        var before = postgres.Port;
        await postgres.StopAsync();
        // Something else takes the port while the database is down, as after a pod-failure: the restart must move.
        using var squatter = new TcpListener(IPAddress.Loopback, before);
        squatter.Start();

        await postgres.RestartAsync();

        postgres.Port.Should().NotBe(before);
        environment.Links.Where(l => l.To == "postgres-0").Should().NotBeEmpty()
            .And.AllSatisfy(l => l.Proxy.Upstream.Port.Should().Be(postgres.Port, $"{l.Name} follows the database"));
        using var http = new HttpClient { BaseAddress = environment.EntryPoint, Timeout = TimeSpan.FromSeconds(5) };
        var signedUp = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var i = 0; !signedUp && DateTime.UtcNow < deadline; i++)
        {
            var user = $"moved-{i}";
            try
            {
                using var response = await http.PostAsJsonAsync("/api/users", new { username = user, email = $"{user}@example.com", password = "correct-horse-battery" });
                signedUp = response.StatusCode == HttpStatusCode.Created;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The replica's pool may still hold a connection to the old process.
            }
            if (!signedUp)
            {
                await Task.Delay(200);
            }
        }
        signedUp.Should().BeTrue("a write through the SUT reaches the database on its new port");
    }

    private static List<int> RecordedPids(string run) =>
        Directory.EnumerateFiles(Path.Combine(run, "processes")).Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static IEnumerable<string> ProcessesUnder(string path) =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists)
            .Select(f => { try { return File.ReadAllText(f).Replace('\0', ' '); } catch (IOException) { return ""; } })
            .Where(cmd => cmd.Contains(path, StringComparison.Ordinal));
}
