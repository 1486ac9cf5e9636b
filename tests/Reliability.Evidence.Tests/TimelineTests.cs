using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Load.Measurement;

namespace Reliability.Evidence.Tests;

public sealed class TimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static JournalEvent At(double second, JournalEvent evt) => evt with { At = T0.AddSeconds(second) };

    [Fact]
    public void Phases_faults_and_outages_come_from_their_events()
    {
        var timeline = Timeline.From(
        [
            At(0, new PhaseStarted(Phase.Steady)), At(10, new PhaseEnded(Phase.Steady)), At(10, new PhaseStarted(Phase.Fault)),
            At(10.5, new FaultInjected("kill", "PodChaos", "pod-kill", "SIGKILL", ["sut-zone-a-0"], [], "f.yaml")),
            At(10.6, new PodEvent("sut-zone-a-0", "killed")), At(13, new PodEvent("sut-zone-a-0", "ready")),
            At(30, new FaultRecovered("kill")), At(30, new PhaseEnded(Phase.Fault)), At(30, new PhaseStarted(Phase.Recovery)),
        ]);

        timeline.Phases.Should().BeEquivalentTo(new Dictionary<Phase, TimeWindow>
        {
            [Phase.Steady] = new(T0, T0.AddSeconds(10)), [Phase.Fault] = new(T0.AddSeconds(10), T0.AddSeconds(30)),
        }, "a phase that never ended has no window");
        timeline.InjectedAt.Should().Be(T0.AddSeconds(10.5));
        timeline.Faults.Should().ContainSingle().Which.RecoveredAt.Should().Be(T0.AddSeconds(30));
        timeline.Outages.Should().ContainSingle().Which.Should().Be(new Outage("sut-zone-a-0", T0.AddSeconds(10.6), T0.AddSeconds(13)));
    }

    [Fact]
    public void A_source_is_unobserved_from_its_gap_to_its_restoration_or_to_the_end_when_it_never_came_back()
    {
        var timeline = Timeline.From(
        [
            At(5, new ObservationGap("prometheus", "refused")), At(8, new ObservationGap("prometheus", "refused again")), At(9, new ObservationRestored("prometheus")),
            At(20, new ObservationGap("alertmanager", "refused")),
        ]);

        timeline.Unobserved("prometheus", T0.AddSeconds(6), T0.AddSeconds(7)).Should().BeTrue();
        timeline.Unobserved("prometheus", T0.AddSeconds(9), T0.AddSeconds(60)).Should().BeFalse("the gap closed at 9 s");
        timeline.Unobserved("alertmanager", T0.AddSeconds(100), T0.AddSeconds(101)).Should().BeTrue("it never answered again");
        timeline.Gaps.Should().HaveCount(2);
    }

    [Fact]
    public void A_window_of_the_load_merges_the_buckets_histograms_exactly()
    {
        var first = new[] { 10, 20, 30, 40 };
        var second = new[] { 500, 600 };
        var timeline = Timeline.From(
        [
            At(0, new LoadSeries(T0, 1,
            [
                new LoadBucket(T0, 4, 0, new Dictionary<string, long>(), 0, 0, 0, 0, JournalTests.Histogram(first)),
                new LoadBucket(T0.AddSeconds(1), 1, 1, new Dictionary<string, long> { ["timeout"] = 1 }, 0, 0, 0, 0, JournalTests.Histogram(second)),
                new LoadBucket(T0.AddSeconds(2), 1, 0, new Dictionary<string, long>(), 0, 0, 0, 0, JournalTests.Histogram(1000)),
            ])),
        ]);
        var expected = new LatencyHistogram(TimeSeries.BucketDigits);
        foreach (var ms in first.Concat(second))
        {
            expected.Record(TimeSpan.FromMilliseconds(ms));
        }

        var window = timeline.Load!.Window(T0, T0.AddSeconds(2));

        window.Count.Should().Be(6);
        window.Failures.Should().Equal(new Dictionary<string, long> { ["timeout"] = 1 });
        foreach (var p in new[] { 50.0, 95, 99 })
        {
            window.Latency.Percentile(p).Should().Be(expected.Percentile(p), $"p{p} of the merged buckets is that of all their values");
        }
    }

    [Fact]
    public void The_result_reads_its_outcome_and_verdicts_from_the_events()
    {
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("task-manager", "crud", 1, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new TimelineSpec(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), new Hypotheses([], null, null, [], []), [], 1);
        var passed = new VerdictRecorded("h", "slo", VerdictStatus.Passed, null, "t", "e");

        ExperimentResult.From(definition, [passed], "j", "l").Passed.Should().BeTrue();
        ExperimentResult.From(definition, [passed, new VerdictRecorded("a", "alert", VerdictStatus.Inconclusive, null, "t", "e")], "j", "l")
            .Should().Match<ExperimentResult>(r => !r.Passed && r.Inconclusive);
        var stopped = ExperimentResult.From(definition, [new StopConditionTripped("fail_rate > 50% for 5s", 0.9), passed], "j", "l");
        stopped.Outcome.Should().Be(ExperimentOutcome.Stopped);
        stopped.Passed.Should().BeFalse("a stopped experiment never passes");
        ExperimentResult.From(definition, [new SteadyStateNotMet("p95"), passed], "j", "l").Outcome.Should().Be(ExperimentOutcome.SteadyStateNotMet);
    }
}
