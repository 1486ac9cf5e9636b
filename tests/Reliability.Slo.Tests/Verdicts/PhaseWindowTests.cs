using Reliability.Evidence;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Load.Measurement;
using Reliability.Load.Thresholds;
using Reliability.Slo.Verdicts;

namespace Reliability.Slo.Tests.Verdicts;

/// <summary>
/// Which phase an iteration is judged in when the load's buckets are not aligned to the fault: steady 0–10 s,
/// fault 10–40 s, recovery 40–70 s, and one-second buckets that start half a second into each second.
/// </summary>
public sealed class PhaseWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_iteration_intended_a_moment_before_injection_is_judged_in_the_fault_not_in_steady_state()
    {
        // The bucket 9.5–10.5 s straddles the injection; 8.5–9.5 s ends within a second of it. Both had
        // iterations in flight when the database went, and each failed 5 of its 10.
        var verdicts = Evaluate(failedIn: [8.5, 9.5]);

        var steady = verdicts.Single(v => v.Hypothesis.StartsWith("steady", StringComparison.Ordinal));
        steady.Status.Should().Be(VerdictStatus.Passed, steady.Evidence);
        steady.Evidence.Should().StartWith("80 iterations intended between 00:00:00 and 00:00:09", "eight buckets, the last ending at 8.5 s, end a second or more before injection");
        var fault = verdicts.Single(v => v.Hypothesis.StartsWith("fault", StringComparison.Ordinal));
        fault.Evidence.Should().Contain("10 failed", "both buckets hit by the injection count in the fault phase");
    }

    [Fact]
    public void A_bucket_that_straddles_the_rollback_is_judged_in_the_fault_and_recovery_starts_clean()
    {
        var verdicts = Evaluate(failedIn: [39.5]);

        var recovery = verdicts.Single(v => v.Hypothesis.StartsWith("recovery", StringComparison.Ordinal));
        recovery.Status.Should().Be(VerdictStatus.Passed, recovery.Evidence);
        verdicts.Single(v => v.Hypothesis.StartsWith("fault", StringComparison.Ordinal)).Evidence.Should().Contain("5 failed");
    }

    [Fact]
    public void Failures_well_inside_steady_state_are_still_judged_there()
    {
        var verdicts = Evaluate(failedIn: [7.5]);

        verdicts.Single(v => v.Hypothesis.StartsWith("steady", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Failed);
    }

    private static IReadOnlyList<Verdict> Evaluate(double[] failedIn)
    {
        var buckets = Enumerable.Range(0, 70).Select(i => T0.AddSeconds(0.5 + i)).Select(start =>
        {
            var failed = failedIn.Any(s => T0.AddSeconds(s) == start) ? 5 : 0;
            return new LoadBucket(start, 10 - failed, failed, failed > 0 ? new Dictionary<string, long> { ["http_503"] = failed } : new Dictionary<string, long>(),
                0, 0, 0, 0, Histogram(10));
        }).ToList();
        var journal = new JournalEvent[]
        {
            At(0, new PhaseStarted(Phase.Steady)), At(10, new PhaseEnded(Phase.Steady)),
            At(10, new PhaseStarted(Phase.Fault)), At(10, new FaultInjected("f", "DatabaseDisaster", "destroy", "destroy", [], [], "f.yaml")),
            At(40, new PhaseEnded(Phase.Fault)), At(40, new PhaseStarted(Phase.Recovery)),
            At(70, new PhaseEnded(Phase.Recovery)), At(71, new LoadSeries(T0.AddSeconds(0.5), 1, buckets)),
        };
        var objectives = new[] { Phase.Steady, Phase.Fault, Phase.Recovery }.Select(p => new PhaseObjective(p, Threshold.Parse("fail_rate < 1%"))).ToList();
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("task-manager", "crud", 10, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new TimelineSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)),
            new Hypotheses(objectives, null, null, [], []), [], 1);
        return HypothesisEvaluator.Evaluate(definition, Reliability.Evidence.Timeline.From(journal), new Observation(true, true, AlertTimeScale: 1));
    }

    private static JournalEvent At(double second, JournalEvent evt) => evt with { At = T0.AddSeconds(second) };

    private static string Histogram(int milliseconds)
    {
        var histogram = new LatencyHistogram(TimeSeries.BucketDigits);
        histogram.Record(TimeSpan.FromMilliseconds(milliseconds));
        return histogram.Encode();
    }
}
