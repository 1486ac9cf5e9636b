using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.Drivers.Local;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// The last line of defence must not stop at the first pod it cannot bring back: the failure is journalled
/// with what to do about it, and every other held-down pod is still released. Real environment, real PostgreSQL.
/// </summary>
public sealed class LocalRollbackTests
{
    [Fact]
    public async Task A_pod_that_cannot_be_started_again_is_journalled_as_a_failed_rollback_and_the_others_are_still_released()
    {
        await using var environment = await LocalEnvironment.StartAsync(new EnvironmentOptions
        {
            Zones = ["zone-a"], ReplicasPerZone = 1, Database = DatabaseMode.Single, WithMonitoring = false,
        });
        var context = new LocalFaultContext(environment, [.. environment.Links.Select(l => new LinkLayout(l.Name, l.From, l.FromLabels, l.To, l.ToLabels))],
            seed: 1, TimeProvider.System);
        await using var journal = new ExperimentJournal(Path.Combine(environment.Run.Path, "journal.jsonl"), TimeProvider.System);
        var replica = environment.Supervisor.Replicas.Single().Pod;
        // The database first, so that its failure comes before the replica's release.
        context.HoldDown("postgres-0", "db-down");
        context.HoldDown(replica, "db-down");
        await Until(() => !environment.Postgres!.IsRunning && environment.Supervisor.Replicas.Single().State == ReplicaState.HeldDown, "both held down");
        // PostgreSQL cannot start without its data directory: the restart during rollback fails.
        var data = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(environment.Postgres!.LogFile))!, "data");
        Directory.Move(data, data + ".gone");
        try
        {
            await context.RecoverAllAsync(journal);
        }
        finally
        {
            Directory.Move(data + ".gone", data);
        }

        var events = journal.Events;
        var failed = events.OfType<RollbackFailed>().Should().ContainSingle().Which;
        failed.Fault.Should().Be("(rollback)");
        failed.Error.Should().StartWith("postgres-0 could not be started again:");
        failed.Command.Should().NotBeNullOrWhiteSpace("the journal says what, if anything, is left to do by hand");
        events.OfType<FaultRecovered>().Should().ContainSingle(r => r.Pods!.SequenceEqual(new[] { replica }),
            "the replica is released although the database before it failed");
        events.OfType<FaultRecovered>().Should().NotContain(r => r.Pods!.Contains("postgres-0"));
        // Release only wakes the replica's watch loop, which launches it on its own thread: wait for that, bounded.
        await Until(() => environment.Supervisor.Replicas.Single().State != ReplicaState.HeldDown, "the replica leaves its hold-down");
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within 30 s: {what}");
            }
            await Task.Delay(50);
        }
    }
}
