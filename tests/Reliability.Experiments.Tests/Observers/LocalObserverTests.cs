using System.Diagnostics;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.Observers;
using Reliability.Sut.Local.Embedded;

namespace Reliability.Experiments.Tests.Observers;

/// <summary>
/// Patroni's own record closes the journal; when no member answers, the journal must say that it could not
/// be observed (a gap), in bounded time, rather than record an empty description or hang the run's end.
/// Real Patroni, frozen with SIGSTOP as a member under a stalled node would be.
/// </summary>
public sealed class LocalObserverTests(LocalObserverTests.PatroniEnvironment fixture) : IClassFixture<LocalObserverTests.PatroniEnvironment>
{
    private LocalEnvironment Environment => fixture.Environment;

    [Fact]
    public async Task Patroni_members_that_do_not_answer_at_the_end_of_a_run_are_journalled_as_an_observation_gap_within_seconds()
    {
        var environment = Environment;
        await using var journal = new ExperimentJournal(Path.Combine(environment.Run.Path, "journal.jsonl"), TimeProvider.System);
        var observer = new LocalObserver(environment, TimeProvider.System);
        await observer.StartAsync(journal, CancellationToken.None);
        var patroni = environment.Patroni!.Members.Select(m => m.PatroniPid!.Value).ToList();
        Signal("STOP", patroni);
        var stopping = Stopwatch.StartNew();
        try
        {
            await observer.DisposeAsync();
        }
        finally
        {
            Signal("CONT", patroni);
        }

        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the description has a 5 s budget");
        journal.Of<PatroniDescribed>().Should().BeEmpty("nothing was described");
        journal.Of<ObservationGap>().Should().ContainSingle(g => g.Source == "patroni")
            .Which.Error.Should().Contain("/cluster");
    }

    [Fact]
    public async Task Patroni_members_that_answer_are_described_at_the_end_of_a_run()
    {
        var environment = Environment;
        await using var journal = new ExperimentJournal(Path.Combine(environment.Run.Path, "journal.jsonl"), TimeProvider.System);
        var observer = new LocalObserver(environment, TimeProvider.System);
        await observer.StartAsync(journal, CancellationToken.None);

        await observer.DisposeAsync();

        journal.Of<ObservationGap>().Should().BeEmpty();
        var described = journal.Of<PatroniDescribed>().Should().ContainSingle().Which;
        described.Cluster!["members"]!.AsArray().Should().HaveCount(environment.Patroni!.Members.Count);
        described.History.Should().NotBeNull();
    }

    /// <summary>One small Patroni environment for both tests: starting one costs more than the tests.</summary>
    public sealed class PatroniEnvironment : IAsyncLifetime
    {
        internal LocalEnvironment Environment { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Environment = await LocalEnvironment.StartAsync(new EnvironmentOptions { ReplicasPerZone = 1, WithMonitoring = false });

        public async Task DisposeAsync() => await Environment.DisposeAsync();
    }

    private static void Signal(string signal, IEnumerable<int> pids)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]))!;
        kill.WaitForExit(5000).Should().BeTrue();
        kill.ExitCode.Should().Be(0);
    }
}
