using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Database.Backups;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Sut.Local.Tests.Embedded;

/// <summary>
/// The environment with a Patroni cluster (real etcd, Patroni and PostgreSQL): the SUT's database links
/// follow the primary, so a failover needs no SUT restart.
/// </summary>
public sealed class PatroniEnvironmentTests
{
    private static EnvironmentOptions Options => new()
    {
        Database = DatabaseMode.Patroni,
        ReplicasPerZone = 1,
        WithMonitoring = false,
    };

    [Fact]
    public async Task After_the_primary_node_is_lost_writes_through_the_balancer_succeed_again_without_restarting_any_sut_process()
    {
        await using var environment = await LocalEnvironment.StartAsync(Options);
        var cluster = environment.Patroni!;
        environment.Links.Select(l => l.Name).Should().Contain(["sut-zone-a-0->postgres-0", "sut-zone-c-0->postgres-1", "postgres-0->etcd-zone-b"]);
        environment.Link("sut-zone-b-0", "postgres-0").ToLabels["role"].Should().Be("master");
        using var http = new HttpClient { BaseAddress = environment.EntryPoint, Timeout = TimeSpan.FromSeconds(5) };
        await SignUpAndLogInAsync(http);
        (await CreateTaskAsync(http, "before")).Should().Be(HttpStatusCode.Created);
        var pids = environment.Supervisor.Replicas.Select(r => r.Process!.Pid).ToList();
        // The user just signed up must survive the asynchronous failover, or its token is refused afterwards.
        await cluster.WaitForReplicasToReplayAsync(TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        cluster.KillNode(cluster.Primary!);
        TimeSpan? firstFailure = null;
        TimeSpan? writeRecovered = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && writeRecovered is null)
        {
            var status = await CreateTaskAsync(http, $"during-{clock.ElapsedMilliseconds}");
            if (status != HttpStatusCode.Created)
            {
                firstFailure ??= clock.Elapsed;
            }
            else if (firstFailure is not null)
            {
                writeRecovered = clock.Elapsed;
            }
            await Task.Delay(200);
        }

        writeRecovered.Should().NotBeNull("writes come back once postgres-1 is promoted and the routers follow it");
        cluster.Primary!.Name.Should().Be("postgres-1");
        environment.Link("sut-zone-b-0", "postgres-1").ToLabels["role"].Should().Be("master", "the role label is live");
        environment.Supervisor.Replicas.Select(r => r.Process!.Pid).Should().Equal(pids, "no SUT process was restarted");
        environment.Supervisor.Events.Should().NotContain(e => e.Kind == LifecycleEventKind.Restarting);
        Console.WriteLine($"write RTO after node loss: {writeRecovered!.Value.TotalSeconds:0.0} s (first failure at {firstFailure!.Value.TotalSeconds:0.0} s)");
    }

    [Fact]
    public async Task After_the_whole_database_is_lost_and_restored_from_backup_writes_through_the_balancer_succeed_again_without_restarting_any_sut_process()
    {
        await using var environment = await LocalEnvironment.StartAsync(Options with { Patroni = new PatroniOptions { Backups = new() { Interval = TimeSpan.Zero } } });
        var cluster = environment.Patroni!;
        using var http = new HttpClient { BaseAddress = environment.EntryPoint, Timeout = TimeSpan.FromSeconds(5) };
        await SignUpAndLogInAsync(http);
        // The user must be in a backup, or its token is refused after the restore.
        await cluster.Backups!.TakeAsync(BackupType.Incremental, CancellationToken.None);
        (await CreateTaskAsync(http, "before")).Should().Be(HttpStatusCode.Created);
        var pids = environment.Supervisor.Replicas.Select(r => r.Process!.Pid).ToList();

        var recovery = new DisasterRecovery(cluster, TimeProvider.System);
        await recovery.DestroyAsync(TimeSpan.Zero, CancellationToken.None);
        (await CreateTaskAsync(http, "lost")).Should().NotBe(HttpStatusCode.Created, "there is no database");
        var clock = Stopwatch.StartNew();
        var restore = recovery.RestoreAsync(RestoreTarget.Latest, CancellationToken.None);
        TimeSpan? writeRecovered = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(90) && writeRecovered is null)
        {
            if (await CreateTaskAsync(http, $"after-{clock.ElapsedMilliseconds}") == HttpStatusCode.Created)
            {
                writeRecovered = clock.Elapsed;
            }
            await Task.Delay(200);
        }
        var report = await restore;

        writeRecovered.Should().NotBeNull("writes come back once the restored member is primary and the routers follow it");
        cluster.Primary!.Name.Should().Be("postgres-0");
        environment.Supervisor.Replicas.Select(r => r.Process!.Pid).Should().Equal(pids, "no SUT process was restarted");
        Console.WriteLine($"write RTO from the start of the restore: {writeRecovered!.Value.TotalSeconds:0.0} s; steps {string.Join(", ", report.Steps.Select(s => $"{s.Name} {s.Duration.TotalSeconds:0.0} s"))}");
    }

    private static async Task SignUpAndLogInAsync(HttpClient http)
    {
        var user = $"ha-{Guid.NewGuid():N}"[..20];
        (await http.PostAsJsonAsync("/api/users", new { username = user, email = $"{user}@example.com", password = "correct-horse-battery" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var login = await http.PostAsJsonAsync("/api/auth/login", new { username = user, password = "correct-horse-battery" });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private static async Task<HttpStatusCode?> CreateTaskAsync(HttpClient http, string title)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/tasks", new { title });
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
