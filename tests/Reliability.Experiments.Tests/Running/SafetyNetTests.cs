using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Running;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Links;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Experiments.Tests.Running;

/// <summary>
/// The safety net around a fault, on a real environment and checked on the environment itself, not only in
/// the journal: a met stop condition takes the fault out at once (the held-down replica runs again), and a
/// steady state that does not hold keeps the fault from going in at all (no link carries a fault).
/// </summary>
public sealed class SafetyNetTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safety-net-").FullName;
    private LocalEnvironment _environment = null!;

    public async Task InitializeAsync()
    {
        _environment = await LocalEnvironment.StartAsync(new EnvironmentOptions
        {
            Zones = ["zone-a"], ReplicasPerZone = 1, Database = DatabaseMode.Single, WithMonitoring = false,
        });
        // Ready through the entry point (the SUT answers /ready once its database does), bounded.
        using var http = new HttpClient { BaseAddress = _environment.EntryPoint, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ReadyAsync(http))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the service becomes ready");
            await Task.Delay(200);
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("ready");
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_met_stop_condition_releases_the_held_down_replica_at_once()
    {
        // The only replica held down: every request fails at the balancer, so the condition is met within two seconds.
        var (outcome, journal) = await RunAsync("pod-failure.yaml", """
            timeline: { steadyState: 3s, fault: 30s, recovery: 2s }
            hypotheses: { slo: { steady: ["fail_rate < 50%"] } }
            stopConditions: ["fail_rate > 50% for 1s"]
            """);

        outcome.Should().Be(ExperimentOutcome.Stopped);
        var injected = journal.Of<FaultInjected>().Single().At;
        var tripped = journal.Of<StopConditionTripped>().Single();
        tripped.Condition.Should().Be("fail_rate > 50% for 1s");
        var rolledBack = journal.Of<RolledBack>().Single();
        rolledBack.Reason.Should().Be("stop condition");
        (rolledBack.At - tripped.At).Should().BeLessThan(TimeSpan.FromSeconds(1), "the fault is rolled back as soon as the condition is met");
        (tripped.At - injected).Should().BeLessThan(TimeSpan.FromSeconds(10), "not the 30 s fault window");
        var replica = _environment.Supervisor.Replicas.Single();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (replica.State != ReplicaState.Running)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the replica's process runs again after the rollback, not only in the journal");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_steady_state_that_does_not_hold_keeps_the_fault_out()
    {
        // No real service answers in under a microsecond: the steady state can never hold.
        var (outcome, journal) = await RunAsync("network-delay-db.yaml", """
            timeline: { steadyState: 3s, fault: 30s, recovery: 2s }
            hypotheses: { slo: { steady: ["p95 < 0.001ms"] } }
            """);

        outcome.Should().Be(ExperimentOutcome.SteadyStateNotMet);
        journal.Of<SteadyStateNotMet>().Should().ContainSingle();
        journal.Of<FaultInjected>().Should().BeEmpty();
        _environment.Links.Should().AllSatisfy(l => l.Proxy.Faults.Should().Be(LinkFaults.None));
    }

    private async Task<(ExperimentOutcome Outcome, ExperimentJournal Journal)> RunAsync(string fault, string body)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: safety-net {"}"}
            environment: {"{"} database: single {"}"}
            faults: ["{Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", fault)}"]
            load: {"{"} scenario: crud, rate: 10, warmUp: 1s {"}"}
            seed: 1
            {body}
            """);
        var experiment = ExperimentLoader.Load(path, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
        var target = new RunTarget(_environment.EntryPoint, new LocalChaosDriver(_environment, seed: 1, time: TimeProvider.System), null, null);
        var journal = new ExperimentJournal(Path.Combine(_dir, $"{Guid.NewGuid():N}.jsonl"), TimeProvider.System);
        var evidence = await new ExperimentRunner(target, TextWriter.Null, TimeProvider.System)
            .RunAsync(experiment, journal, Path.Combine(_dir, $"{Guid.NewGuid():N}-ledger.jsonl"), CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(2));
        return (evidence.Outcome, journal);
    }

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
