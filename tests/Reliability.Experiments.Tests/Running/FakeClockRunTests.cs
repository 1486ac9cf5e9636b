using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Reliability.Evidence;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Observers;
using Reliability.Experiments.Running;
using Reliability.Experiments.Safety;
using Reliability.Load.Engine;
using Reliability.Load.Scenarios;
using Reliability.Slo.Verdicts;

namespace Reliability.Experiments.Tests.Running;

/// <summary>
/// A whole experiment timeline (warm-up, steady state, fault, recovery, then the verdicts) on a fake clock,
/// with a fake driver and a fake load whose failures are known in advance: the runner's phases, its
/// rollback and the judge's verdicts are checked to the second, in a fraction of the experiment's time.
/// </summary>
public sealed class FakeClockRunTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-clock-").FullName;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider _time = new(T0);

    [Fact]
    public async Task A_whole_timeline_runs_on_a_fake_clock_and_is_judged_from_its_journal()
    {
        var experiment = Load("""
            load: { scenario: crud, rate: 10, warmUp: 1s }
            timeline: { steadyState: 10s, fault: 10s, recovery: 10s }
            hypotheses:
              slo: { steady: ["fail_rate < 1%"], fault: ["fail_rate < 5%"], recovery: ["fail_rate < 1%"] }
              rto: { max: 10s, sli: "fail_rate < 1%", window: 1s, stableFor: 2s }
            """);
        // Seconds of the load (counted from its start) in which every iteration fails: the first 3 s of the fault.
        var load = new FakeLoad(_time, failFrom: 11, failTo: 14);
        var driver = new FakeDriver(_time);
        var runner = new ExperimentRunner(new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null), TextWriter.Null, _time) { LoadRunner = load.RunAsync };
        await using var journal = new ExperimentJournal(Path.Combine(_dir, "journal.jsonl"), _time);
        var clock = Stopwatch.StartNew();

        // On a thread of its own, the run's continuations pumped one at a time; the clock moves when they are done.
        var (run, step) = await Task.Run(() => ClockPump.Run(
            () => runner.RunAsync(experiment, journal, Path.Combine(_dir, "write-ledger.jsonl"), CancellationToken.None), _time, Step, maxSteps: 1_000));
        var looped = clock.Elapsed;
        var evidence = await run.WaitAsync(TimeSpan.FromSeconds(10));
        var verdicts = await new Judge(null, new Observation(false, false, 1), []).JudgeAsync(experiment.Definition, journal, evidence.WriteAcks, CancellationToken.None);
        var took = clock.Elapsed;

        evidence.Outcome.Should().Be(ExperimentOutcome.Completed);
        var timeline = Timeline.From(journal.Events);
        var start = journal.Of<LoadStarted>().Single().StartedAt;
        timeline.Phases[Phase.Steady].Should().Be(new TimeWindow(start.AddSeconds(1), start.AddSeconds(11)), "the steady state follows the 1 s warm-up");
        timeline.Phases[Phase.Fault].Start.Should().BeCloseTo(start.AddSeconds(11), Step);
        timeline.Phases[Phase.Fault].Duration.Should().BeCloseTo(TimeSpan.FromSeconds(10), Step * 2, "the fault window closes on the run's clock");
        timeline.Phases[Phase.Recovery].Duration.Should().BeCloseTo(TimeSpan.FromSeconds(10), Step * 2);
        driver.Recovered.Should().BeTrue("the fault is rolled back at the end of its window");
        journal.Of<RolledBack>().Should().ContainSingle().Which.Reason.Should().Be("end of fault window");
        timeline.Load!.Window(start.AddSeconds(1), start.AddSeconds(31)).Count.Should().Be(300);

        verdicts.Select(v => (v.Hypothesis, v.Status)).Should().Equal(
            ("steady: fail_rate < 1%", VerdictStatus.Passed),
            ("fault: fail_rate < 5%", VerdictStatus.Failed),
            ("recovery: fail_rate < 1%", VerdictStatus.Passed),
            ("RTO ≤ 10.0 s (SLI fail_rate < 1% over 1.0 s, stable 2.0 s)", VerdictStatus.Passed));
        // Phases end when the runner gets to them, so a boundary may land one clock step late and take in one more second of load.
        // The fault phase is judged on its 10 (or 11) seconds and the two before injection, whose iterations may still be in flight when it lands.
        verdicts[1].Measured.Should().BeOneOf(["25 %", "23.077 %"], "the 30 failures fall in the fault window of 12 (or 13) seconds of load");
        verdicts[3].Measured.Should().BeOneOf(["3.0 s", "2.8 s"], "the failing seconds end 3 s after injection (or 2.75 s, when the injection lands a clock step late), and RTO is read at the start of the first good second");
        // Not a speed test: a run on the wall clock could not end before its own 31 s timeline had passed.
        took.Should().BeLessThan(TimeSpan.FromSeconds(31), $"the experiment ran on the fake clock, not the wall clock ({step} steps in {looped})");
    }

    [Fact]
    public async Task With_the_safety_lever_engaged_nothing_is_injected_and_the_run_ends_as_stopped()
    {
        var experiment = Load(ShortRun);
        var lever = new FileSafetyLever(Path.Combine(_dir, FileSafetyLever.FileName), _time);
        await lever.EngageAsync("incident 4711", CancellationToken.None);
        var driver = new FakeDriver(_time);
        var runner = new ExperimentRunner(new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null) { Lever = lever }, TextWriter.Null, _time)
        {
            LoadRunner = new FakeLoad(_time, failFrom: 0, failTo: 0).RunAsync,
        };
        await using var journal = new ExperimentJournal(Path.Combine(_dir, "journal.jsonl"), _time);

        var (run, _) = await Task.Run(() => ClockPump.Run(
            () => runner.RunAsync(experiment, journal, Path.Combine(_dir, "write-ledger.jsonl"), CancellationToken.None), _time, Step, maxSteps: 1_000));
        var evidence = await run.WaitAsync(TimeSpan.FromSeconds(10));

        evidence.Outcome.Should().Be(ExperimentOutcome.Stopped);
        journal.Of<FaultInjected>().Should().BeEmpty();
        journal.Of<StopConditionTripped>().Should().ContainSingle().Which.Condition.Should().Contain("safety lever engaged").And.Contain("incident 4711");
    }

    [Fact]
    public async Task Engaging_the_safety_lever_during_the_fault_rolls_it_back_within_a_second()
    {
        // On the wall clock: the lever is a file another process writes, read once a second while the fault is in.
        var experiment = Load(ShortRun);
        var lever = new FileSafetyLever(Path.Combine(_dir, FileSafetyLever.FileName), TimeProvider.System);
        DateTimeOffset? engagedAt = null;
        var driver = new FakeDriver(TimeProvider.System)
        {
            Injected = () =>
            {
                lever.EngageAsync("a real incident", CancellationToken.None).GetAwaiter().GetResult();
                engagedAt = DateTimeOffset.UtcNow;
            },
        };
        var runner = new ExperimentRunner(new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null) { Lever = lever }, TextWriter.Null, TimeProvider.System)
        {
            LoadRunner = new FakeLoad(TimeProvider.System, failFrom: 0, failTo: 0).RunAsync,
        };
        await using var journal = new ExperimentJournal(Path.Combine(_dir, "journal.jsonl"), TimeProvider.System);

        var evidence = await runner.RunAsync(experiment, journal, Path.Combine(_dir, "write-ledger.jsonl"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        evidence.Outcome.Should().Be(ExperimentOutcome.Stopped);
        driver.Recovered.Should().BeTrue();
        journal.Of<RolledBack>().Should().ContainSingle().Which.Reason.Should().Be("stop condition");
        var rolledBack = journal.Of<FaultRecovered>().Single().At;
        (rolledBack - engagedAt!.Value).Should().BeLessThan(TimeSpan.FromSeconds(1.5), "the lever is read every second while a fault is in");
    }

    private const string ShortRun = """
        load: { scenario: crud, rate: 10, warmUp: 1s }
        timeline: { steadyState: 2s, fault: 20s, recovery: 1s }
        hypotheses:
          slo: { steady: ["fail_rate < 1%"] }
        """;

    private LoadedExperiment Load(string body)
    {
        var path = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(path, $"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: fake-clock {"}"}
            faults: ["{Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", "pod-kill.yaml")}"]
            seed: 1
            {body}
            """);
        return ExperimentLoader.Load(path, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Ten iterations a second, each 20 ms, recorded in advance by their intended second, all failing in
    /// [failFrom, failTo); then it lasts the scenario's duration on the fake clock, as the engine would.
    /// </summary>
    internal sealed class FakeLoad(TimeProvider time, int failFrom, int failTo)
    {
        public async Task<ScenarioRun> RunAsync(Scenario scenario, ILoadProgress progress, CancellationToken stop)
        {
            var start = time.GetUtcNow();
            var measurements = new RunMeasurements(TimeSpan.FromSeconds(1));
            for (var second = (int)scenario.WarmUp.TotalSeconds; second < (int)scenario.Duration.TotalSeconds; second++)
            {
                for (var i = 0; i < 10; i++)
                {
                    var ok = second < failFrom || second >= failTo;
                    var latency = TimeSpan.FromMilliseconds(20);
                    measurements.Series.At(TimeSpan.FromSeconds(second + i / 10.0)).Record(ok, ok ? null : "http_503", latency, latency);
                    measurements.Scenario.Record(ok, ok ? null : "http_503", latency, latency);
                }
            }
            progress.OnStart(start);
            progress.OnTick(scenario, measurements, TimeSpan.Zero);
            try
            {
                await Task.Delay(scenario.Duration, time, stop);
            }
            catch (OperationCanceledException)
            {
            }
            return new ScenarioRun(scenario, measurements, [], start, scenario.Duration - scenario.WarmUp, null, Cancelled: false);
        }
    }

    /// <summary>Injects at once (journalled as the local driver does), holds until the window closes, recovers.</summary>
    internal sealed class FakeDriver(TimeProvider time) : IChaosDriver
    {
        public bool Recovered { get; private set; }

        /// <summary>Called once the fault is in, on the run's own flow.</summary>
        public Action? Injected { get; init; }

        public string Name => "fake";

        public Task<FaultPlan> PlanAsync(IReadOnlyList<FaultNode> faults, CancellationToken ct) =>
            Task.FromResult(new FaultPlan(Name, faults, [.. faults.SelectMany(f => f.Leaves()).Select(l => new PlannedFault(l, ["sut-zone-a-0"], [], "fake kill"))]));

        public async Task RunAsync(FaultPlan plan, ExperimentJournal journal, CancellationToken window)
        {
            foreach (var leaf in plan.Leaves)
            {
                journal.Write(new FaultInjected(leaf.Fault.Name, "PodChaos", "pod-kill", leaf.Effect, leaf.Pods, [], "fake"));
            }
            Injected?.Invoke();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, window);
            }
            catch (OperationCanceledException)
            {
            }
            await RecoverAllAsync(journal);
        }

        public Task RecoverAllAsync(ExperimentJournal journal)
        {
            if (!Recovered)
            {
                Recovered = true;
                journal.Write(new FaultRecovered("sut-pod-kill"));
            }
            return Task.CompletedTask;
        }

        public IReadOnlyList<IRunObserver> Observers(TimeProvider time) => [];
    }
}
