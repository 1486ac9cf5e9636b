using Reliability.Evidence;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Slo.Verdicts;

namespace Reliability.Slo.Tests.Verdicts;

/// <summary>Alert verdicts from a journal: in time, late, unobserved, and false positives in steady state.</summary>
public sealed class HypothesisEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AlertExpectation HighErrorRate = new("HighErrorRate", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    [Fact]
    public void An_alert_firing_and_resolving_within_the_scaled_deadlines_passes()
    {
        var journal = Timeline([At(25, new AlertChanged("HighErrorRate", "firing")), At(26, new AlertmanagerAlertChanged("HighErrorRate", "active")),
            At(45, new AlertChanged("HighErrorRate", "resolved"))]);

        var verdict = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        verdict.Status.Should().Be(VerdictStatus.Passed, verdict.Evidence);
        verdict.Measured.Should().Be("15.0 s, resolved 5.0 s after recovery");
        verdict.Threshold.Should().StartWith("fire ≤ 20.0 s, resolve ≤ 20.0 s");
    }

    [Fact]
    public void An_alert_that_never_reaches_Alertmanager_fails_and_is_inconclusive_when_Alertmanager_is_not_watched()
    {
        var journal = Timeline([At(25, new AlertChanged("HighErrorRate", "firing")), At(45, new AlertChanged("HighErrorRate", "resolved"))]);

        var watched = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));
        var unwatched = Evaluate(journal, observed: true, alertmanager: false).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        watched.Status.Should().Be(VerdictStatus.Failed);
        watched.Measured.Should().Be("not delivered");
        unwatched.Status.Should().Be(VerdictStatus.Inconclusive);
    }

    [Fact]
    public void An_alert_that_fires_too_late_fails_with_when_it_fired()
    {
        var journal = Timeline([At(35, new AlertChanged("HighErrorRate", "firing"))]);

        var verdict = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        verdict.Status.Should().Be(VerdictStatus.Failed);
        verdict.Measured.Should().Be("fired after 25.0 s");
    }

    [Fact]
    public void A_silent_alert_is_inconclusive_when_prometheus_could_not_be_asked_and_failed_when_it_could()
    {
        var gap = Timeline([At(12, new ObservationGap("prometheus", "connection refused")), At(50, new ObservationRestored("prometheus"))]);

        Evaluate(gap, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Inconclusive);
        Evaluate(Timeline([]), observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Failed);
        Evaluate(Timeline([]), observed: false).Should().OnlyContain(v => v.Status == VerdictStatus.Inconclusive);
    }

    [Fact]
    public void An_alert_firing_in_steady_state_is_a_false_positive()
    {
        var journal = Timeline([At(5, new AlertChanged("HighLatency", "firing"))]);

        var verdict = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("no ", StringComparison.Ordinal));

        verdict.Status.Should().Be(VerdictStatus.Failed);
        verdict.Evidence.Should().Contain("HighLatency");
    }

    [Fact]
    public void Pinned_labels_pick_one_alert_of_a_name_and_the_one_that_fired_must_be_the_one_that_resolves()
    {
        var page = new Dictionary<string, string> { ["severity"] = "page" };
        var ticket = new Dictionary<string, string> { ["severity"] = "ticket" };
        var journal = Timeline([
            At(15, new AlertChanged("HighErrorRate", "firing", Labels: ticket)), At(16, new AlertmanagerAlertChanged("HighErrorRate", "active", ticket)),
            At(25, new AlertChanged("HighErrorRate", "firing", Labels: page)), At(26, new AlertmanagerAlertChanged("HighErrorRate", "active", page)),
            At(42, new AlertChanged("HighErrorRate", "resolved", Labels: ticket))]);
        var pinned = HighErrorRate with { Labels = new Dictionary<string, string> { ["severity"] = "page" } };

        var verdict = Evaluate(journal, observed: true, pinned).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        verdict.Hypothesis.Should().StartWith("alert HighErrorRate{severity=\"page\"} fires within");
        verdict.Status.Should().Be(VerdictStatus.Failed);
        verdict.Measured.Should().Be("never resolved", "the page fired 15 s after injection and never resolved; the ticket's resolution is another alert's");
        verdict.Evidence.Should().Contain("firing 15.0 s after injection");
        var ticketVerdict = Evaluate(journal, observed: true, HighErrorRate with { Labels = ticket }).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));
        ticketVerdict.Status.Should().Be(VerdictStatus.Passed, ticketVerdict.Evidence);
        ticketVerdict.Measured.Should().Be("5.0 s, resolved 2.0 s after recovery");
    }

    /// <summary>Steady 0–10 s, fault 10–40 s (injected at 10 s), recovery 40–70 s.</summary>
    private static List<JournalEvent> Timeline(IEnumerable<JournalEvent> events) =>
    [
        .. new JournalEvent[]
        {
            At(0, new PhaseStarted(Phase.Steady)), At(10, new PhaseEnded(Phase.Steady)),
            At(10, new PhaseStarted(Phase.Fault)), At(10, new FaultInjected("f", "PodChaos", "pod-kill", "kill", [], [], "f.yaml")),
            At(40, new PhaseEnded(Phase.Fault)), At(40, new PhaseStarted(Phase.Recovery)),
            At(70, new PhaseEnded(Phase.Recovery)),
        }.Concat(events).OrderBy(r => r.At),
    ];

    private static JournalEvent At(int second, JournalEvent evt) => evt with { At = T0.AddSeconds(second) };

    private static IReadOnlyList<Verdict> Evaluate(IReadOnlyList<JournalEvent> journal, bool observed, AlertExpectation alert) =>
        Evaluate(journal, observed, alertmanager: true, alert);

    private static IReadOnlyList<Verdict> Evaluate(IReadOnlyList<JournalEvent> journal, bool observed, bool alertmanager = true, AlertExpectation? alert = null)
    {
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("task-manager", "browse", 1, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new TimelineSpec(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)),
            new Hypotheses([], null, null, [alert ?? HighErrorRate], ["HighErrorRate", "HighLatency"]), [], 1);
        return HypothesisEvaluator.Evaluate(definition, Reliability.Evidence.Timeline.From(journal), new Observation(observed, alertmanager, AlertTimeScale: 1.0 / 30));
    }
}
