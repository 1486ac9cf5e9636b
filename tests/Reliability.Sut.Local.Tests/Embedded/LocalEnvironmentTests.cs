using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Sut.Local.Links;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Sut.Local.Tests.Embedded;

[Collection(EnvironmentCollection.Name)]
public sealed class LocalEnvironmentTests(EnvironmentFixture fixture)
{
    private Reliability.Sut.Local.Embedded.LocalEnvironment Env => fixture.Environment;

    [Fact]
    public async Task Every_replica_in_every_zone_serves_through_the_load_balancer()
    {
        using var http = new HttpClient { BaseAddress = Env.EntryPoint };
        var pods = new HashSet<string>();
        for (var i = 0; i < 300 && pods.Count < 6; i++)
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/health");
            pods.Add($"{health.GetProperty("zone").GetString()}/{health.GetProperty("pod").GetString()}");
        }
        pods.Should().BeEquivalentTo(
            "zone-a/sut-zone-a-0", "zone-a/sut-zone-a-1", "zone-b/sut-zone-b-0", "zone-b/sut-zone-b-1", "zone-c/sut-zone-c-0", "zone-c/sut-zone-c-1");
        Env.Supervisor.Replicas.Should().AllSatisfy(r => r.Labels.Should().Contain("app", "sut").And.Contain("topology.kubernetes.io/zone", r.Zone));
    }

    [Fact]
    public async Task Prometheus_scrapes_every_target_with_zone_and_pod_labels_and_loads_the_rules()
    {
        using var http = new HttpClient { BaseAddress = Env.Prometheus!.Address };
        var up = await Until(async () => (await http.GetFromJsonAsync<JsonElement>("api/v1/query?query=up")).GetProperty("data").GetProperty("result"),
            r => r.GetArrayLength() == 7 && r.EnumerateArray().All(s => s.GetProperty("value")[1].GetString() == "1"), TimeSpan.FromSeconds(30), "every target up");
        up.EnumerateArray().Where(s => s.GetProperty("metric").GetProperty("job").GetString() == "sut")
            .Select(s => (s.GetProperty("metric").GetProperty("zone").GetString(), s.GetProperty("metric").GetProperty("pod").GetString()))
            .Should().HaveCount(6).And.Contain(("zone-b", "sut-zone-b-1"));

        var rules = (await http.GetFromJsonAsync<JsonElement>("api/v1/rules")).GetProperty("data").GetProperty("groups");
        // Alert names repeat (a burn-rate alert has a page and a ticket rule), so keep each name once.
        var loaded = rules.EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Where(r => r.GetProperty("type").GetString() == "alerting")
            .GroupBy(r => r.GetProperty("name").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("duration").GetDouble());
        loaded.Should().ContainKeys("HighErrorRate", "HighLatency", "TaskManagerAvailabilityBudgetBurn", "TaskManagerLatencyBudgetBurn");
        loaded["HighErrorRate"].Should().Be(10, "the rules file says 5m; the local time scale makes it 10 s");
    }

    [Fact]
    public async Task A_firing_alert_reaches_the_webhook_receiver_through_alertmanager()
    {
        var notification = await Until(() => Task.FromResult(Env.Webhook!.Notifications.FirstOrDefault(n => n.Payload.Alerts.Any(a => a.AlertName == EnvironmentFixture.TestAlert))),
            n => n is not null, TimeSpan.FromSeconds(60), "the test alert's notification");
        notification!.Payload.Version.Should().Be("4");
        notification.Payload.Status.Should().Be("firing");
        notification.Payload.Alerts.Single(a => a.AlertName == EnvironmentFixture.TestAlert).Labels["severity"].Should().Be("test");
    }

    [Fact]
    public async Task A_killed_replica_leaves_the_rotation_within_two_health_intervals_and_is_restarted()
    {
        const string pod = "sut-zone-b-0";
        var before = Env.Supervisor[pod].Restarts;
        var killedAt = Stopwatch.StartNew();
        Env.Supervisor.Kill(pod, "test");
        await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => !healthy, TimeSpan.FromSeconds(10), "the balancer to drop the killed replica");
        killedAt.Elapsed.Should().BeLessThanOrEqualTo(2 * Env.Options.LoadBalancer.HealthInterval);

        await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => healthy, TimeSpan.FromSeconds(30), "the restarted replica back in rotation");
        Env.Supervisor[pod].Restarts.Should().Be(before + 1);
        // The balancer's probe and the supervisor's own readiness poll race; wait for the latter's record.
        var events = await Until(() => Task.FromResult(Env.Supervisor.Events.Where(e => e.Pod == pod).Select(e => e.Kind).ToList()),
            kinds => kinds.LastOrDefault() == LifecycleEventKind.Ready, TimeSpan.FromSeconds(10), "the Ready event of the replacement");
        events.Should().ContainInOrder(LifecycleEventKind.Killed, LifecycleEventKind.Exited, LifecycleEventKind.Restarting, LifecycleEventKind.Started, LifecycleEventKind.Ready);
        var kill = Env.Supervisor.Events.Last(e => e.Pod == pod && e.Kind == LifecycleEventKind.Killed);
        var restart = Env.Supervisor.Events.Last(e => e.Pod == pod && e.Kind == LifecycleEventKind.Restarting);
        (restart.At - kill.At).Should().BeGreaterThanOrEqualTo(Env.Options.Supervisor.RestartDelay - TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Latency_on_a_link_shows_up_in_request_latency_through_it()
    {
        var link = Env.Link("lb", "sut-zone-c-1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{link.Proxy.Endpoint.Port}/") };
        await http.GetAsync("/health");
        try
        {
            link.Proxy.Apply(new LinkFaults { Latency = TimeSpan.FromMilliseconds(100) });
            var slow = await Time(() => http.GetAsync("/health"));
            link.Proxy.Clear();
            var fast = await Time(() => http.GetAsync("/health"));
            slow.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100));
            fast.Should().BeLessThan(TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            link.Proxy.Clear();
        }
    }

    [Fact]
    public async Task A_blackholed_database_link_makes_that_replica_unready_and_it_recovers_when_healed()
    {
        const string pod = "sut-zone-a-1";
        var link = Env.Link(pod, "postgres-0");
        try
        {
            link.Proxy.Apply(new LinkFaults { Blackhole = LinkDirection.Both });
            // Pooled connections hang and new ones never reach the database: /ready times out, the balancer takes it out.
            await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => !healthy, TimeSpan.FromSeconds(15), "the partitioned replica to leave the rotation");
            using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Env.Supervisor[pod].Port}/") };
            (await direct.GetAsync("/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            Env.LoadBalancer.HealthyTargets().Should().HaveCount(5, "the other replicas are untouched");
        }
        finally
        {
            link.Proxy.Clear();
        }
        await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => healthy, TimeSpan.FromSeconds(30), "the healed replica back in rotation");
    }

    [Fact]
    public async Task A_held_down_replica_stays_down_past_the_restart_delay_until_released()
    {
        const string pod = "sut-zone-c-0";
        Env.Supervisor.HoldDown(pod, "test");
        await Until(() => Task.FromResult(Env.Supervisor[pod].State), s => s == ReplicaState.HeldDown, TimeSpan.FromSeconds(10), "the replica held down");
        await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => !healthy, TimeSpan.FromSeconds(10), "the balancer to drop it");
        // The negative check needs a span of time: twice the restart delay, after which a normal replica would be back.
        var heldSince = Stopwatch.StartNew();
        while (heldSince.Elapsed < 2 * Env.Options.Supervisor.RestartDelay)
        {
            Env.Supervisor[pod].State.Should().Be(ReplicaState.HeldDown);
            Env.LoadBalancer.IsHealthy(pod).Should().BeFalse();
            await Task.Delay(100);
        }
        Env.Supervisor.Release(pod);
        await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => healthy, TimeSpan.FromSeconds(30), "the released replica back in rotation");
        (await Until(() => Task.FromResult(Env.Supervisor.Events.Where(e => e.Pod == pod).Select(e => e.Kind).ToList()),
            kinds => kinds.LastOrDefault() == LifecycleEventKind.Ready, TimeSpan.FromSeconds(10), "the Ready event after release"))
            .Should().ContainInOrder(LifecycleEventKind.HeldDown, LifecycleEventKind.Exited, LifecycleEventKind.Released, LifecycleEventKind.Restarting, LifecycleEventKind.Started, LifecycleEventKind.Ready);
    }

    [Fact]
    public async Task A_terminated_replica_drains_exits_cleanly_and_is_replaced()
    {
        const string pod = "sut-zone-a-0";
        var restarts = Env.Supervisor[pod].Restarts;
        await Env.Supervisor.TerminateAsync(pod, TimeSpan.FromSeconds(10), "test");
        await Until(() => Task.FromResult(Env.Supervisor[pod].Restarts), r => r == restarts + 1, TimeSpan.FromSeconds(30), "the replacement");
        Env.Supervisor.Events.Last(e => e.Pod == pod && e.Kind == LifecycleEventKind.Exited).Detail.Should().Be("exit code 0", "SIGTERM drains and exits 0");
        await Until(() => Task.FromResult(Env.LoadBalancer.IsHealthy(pod)), healthy => healthy, TimeSpan.FromSeconds(30), "the replacement in rotation");
    }

    [Fact]
    public void Status_lists_every_component()
    {
        var status = Env.Status();
        status.Select(s => s.Kind).Should().Contain(["postgres", "sut", "load-balancer", "prometheus", "alertmanager"]);
        status.Count(s => s.Kind == "sut").Should().Be(6);
    }

    private static async Task<TimeSpan> Time(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }

    private static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{what}: not within {deadline.TotalSeconds:0} s");
            }
            await Task.Delay(25);
        }
    }
}
