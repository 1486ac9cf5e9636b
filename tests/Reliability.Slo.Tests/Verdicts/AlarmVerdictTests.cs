using Reliability.Evidence;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Slo.Verdicts;

namespace Reliability.Slo.Tests.Verdicts;

/// <summary>CloudWatch alarm verdicts from the alarm history in the journal, judged on CloudWatch's own timestamps.</summary>
public sealed class AlarmVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AlarmExpectation ErrorRate = new("task-manager-high-error-rate", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

    [Fact]
    public void An_alarm_that_goes_to_ALARM_and_back_to_OK_in_time_passes_on_CloudWatchs_timestamps_not_the_journals()
    {
        // Journalled after the run (at 70 s), changed at 15 s and 42 s by CloudWatch's clock.
        var verdicts = Evaluate([Change(-100, "INSUFFICIENT_DATA", "OK"), Change(15, "OK", "ALARM"), Change(42, "ALARM", "OK")], cloudWatch: true);

        var alarm = verdicts.Single(v => v.Hypothesis.StartsWith("alarm ", StringComparison.Ordinal));
        alarm.Status.Should().Be(VerdictStatus.Passed, alarm.Evidence);
        alarm.Measured.Should().Be("5.0 s, OK 2.0 s after recovery");
        verdicts.Single(v => v.Hypothesis.StartsWith("no alarm", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Passed);
    }

    [Fact]
    public void An_alarm_already_in_ALARM_before_injection_fails_both_its_hypothesis_and_the_quiet_steady_state()
    {
        var verdicts = Evaluate([Change(-100, "OK", "ALARM")], cloudWatch: true);

        verdicts.Single(v => v.Hypothesis.StartsWith("alarm ", StringComparison.Ordinal)).Evidence.Should().Contain("already in ALARM before injection");
        verdicts.Should().OnlyContain(v => v.Status == VerdictStatus.Failed);
    }

    [Fact]
    public void An_alarm_too_late_fails_and_without_CloudWatch_or_with_its_history_unread_it_is_inconclusive()
    {
        Evaluate([Change(-100, "INSUFFICIENT_DATA", "OK"), Change(25, "OK", "ALARM")], cloudWatch: true)
            .Single(v => v.Hypothesis.StartsWith("alarm ", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Failed, "ALARM 15 s after injection, the deadline is 10 s");
        Evaluate([Change(15, "OK", "ALARM")], cloudWatch: false).Should().OnlyContain(v => v.Status == VerdictStatus.Inconclusive);
        Evaluate([At(0, new ObservationGap("cloudwatch", "history unreadable")), At(70, new ObservationRestored("cloudwatch"))], cloudWatch: true)
            .Should().OnlyContain(v => v.Status == VerdictStatus.Inconclusive);
    }

    [Fact]
    public void An_alarm_OK_for_longer_than_its_history_reaches_is_quiet_by_its_state_at_the_start_and_an_unknown_one_is_inconclusive()
    {
        var quietFor = (IEnumerable<JournalEvent> events) => Evaluate(events, cloudWatch: true).Single(v => v.Hypothesis.StartsWith("no alarm", StringComparison.Ordinal));

        quietFor([At(0, new AlarmObserved("task-manager-high-error-rate", "OK", T0.AddDays(-3)))]).Status.Should().Be(VerdictStatus.Passed);
        quietFor([At(0, new AlarmObserved("task-manager-high-error-rate", "ALARM", T0.AddDays(-3)))]).Status.Should().Be(VerdictStatus.Failed);
        quietFor([]).Status.Should().Be(VerdictStatus.Inconclusive, "CloudWatch has no such alarm");
    }

    private static JournalEvent Change(int second, string from, string to) =>
        At(70, new AlarmChanged("task-manager-high-error-rate", from, to, T0.AddSeconds(second)));

    private static JournalEvent At(int second, JournalEvent evt) => evt with { At = T0.AddSeconds(second) };

    /// <summary>Steady 0–10 s, fault 10–40 s (injected at 10 s), recovery 40–70 s; deadlines at 1/30.</summary>
    private static IReadOnlyList<Verdict> Evaluate(IEnumerable<JournalEvent> events, bool cloudWatch)
    {
        List<JournalEvent> journal =
        [
            .. new JournalEvent[]
            {
                At(0, new PhaseStarted(Phase.Steady)), At(10, new PhaseEnded(Phase.Steady)),
                At(10, new PhaseStarted(Phase.Fault)), At(10, new FaultInjected("f", "PodChaos", "pod-kill", "kill", [], [], "f.yaml")),
                At(40, new PhaseEnded(Phase.Fault)), At(40, new PhaseStarted(Phase.Recovery)),
                At(70, new PhaseEnded(Phase.Recovery)),
            }.Concat(events).OrderBy(r => r.At),
        ];
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("task-manager", "browse", 1, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new TimelineSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)),
            new Hypotheses([], null, null, [], []) { Alarms = [ErrorRate], QuietAlarms = ["task-manager-high-error-rate"] }, [], 1);
        return HypothesisEvaluator.Evaluate(definition, Reliability.Evidence.Timeline.From(journal), new Observation(false, false, AlertTimeScale: 1.0 / 30) { Alarms = cloudWatch });
    }
}
