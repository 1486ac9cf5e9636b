using System.Text.Json.Nodes;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Journal;
using Reliability.Experiments.Running;
using Reliability.Experiments.Verdicts;
using Reliability.Slo.Prometheus;

namespace Reliability.Experiments.Tests.Verdicts;

/// <summary>Alert verdicts from a journal: in time, late, unobserved, and false positives in steady state.</summary>
public sealed class HypothesisEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AlertExpectation HighErrorRate = new("HighErrorRate", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    [Fact]
    public void An_alert_firing_and_resolving_within_the_scaled_deadlines_passes()
    {
        var journal = Timeline([Record(25, "alert", new { name = "HighErrorRate", state = "firing" }), Record(26, "alertmanager-alert", new { name = "HighErrorRate", state = "active" }),
            Record(45, "alert", new { name = "HighErrorRate", state = "resolved" })]);

        var verdict = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        verdict.Status.Should().Be(VerdictStatus.Passed, verdict.Evidence);
        verdict.Measured.Should().Be("15.0 s, resolved 5.0 s after recovery");
        verdict.Threshold.Should().StartWith("fire ≤ 20.0 s, resolve ≤ 20.0 s");
    }

    [Fact]
    public void An_alert_that_never_reaches_Alertmanager_fails_and_is_inconclusive_when_Alertmanager_is_not_watched()
    {
        var journal = Timeline([Record(25, "alert", new { name = "HighErrorRate", state = "firing" }), Record(45, "alert", new { name = "HighErrorRate", state = "resolved" })]);

        var watched = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));
        var unwatched = Evaluate(journal, observed: true, alertmanager: false).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        watched.Status.Should().Be(VerdictStatus.Failed);
        watched.Measured.Should().Be("not delivered");
        unwatched.Status.Should().Be(VerdictStatus.Inconclusive);
    }

    [Fact]
    public void An_alert_that_fires_too_late_fails_with_when_it_fired()
    {
        var journal = Timeline([Record(35, "alert", new { name = "HighErrorRate", state = "firing" })]);

        var verdict = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal));

        verdict.Status.Should().Be(VerdictStatus.Failed);
        verdict.Measured.Should().Be("fired after 25.0 s");
    }

    [Fact]
    public void A_silent_alert_is_inconclusive_when_prometheus_could_not_be_asked_and_failed_when_it_could()
    {
        var gap = Timeline([Record(12, "observation-gap", new { source = "prometheus", error = "connection refused" }), Record(50, "observation-restored", new { source = "prometheus" })]);

        Evaluate(gap, observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Inconclusive);
        Evaluate(Timeline([]), observed: true).Single(v => v.Hypothesis.StartsWith("alert ", StringComparison.Ordinal)).Status.Should().Be(VerdictStatus.Failed);
        Evaluate(Timeline([]), observed: false).Should().OnlyContain(v => v.Status == VerdictStatus.Inconclusive);
    }

    [Fact]
    public void An_alert_firing_in_steady_state_is_a_false_positive()
    {
        var journal = Timeline([Record(5, "alert", new { name = "HighLatency", state = "firing" })]);

        var verdict = Evaluate(journal, observed: true).Single(v => v.Hypothesis.StartsWith("no ", StringComparison.Ordinal));

        verdict.Status.Should().Be(VerdictStatus.Failed);
        verdict.Evidence.Should().Contain("HighLatency");
    }

    /// <summary>Steady 0–10 s, fault 10–40 s (injected at 10 s), recovery 40–70 s.</summary>
    private static List<JournalRecord> Timeline(IEnumerable<JournalRecord> events) =>
    [
        .. new[]
        {
            Record(0, "phase", new { phase = "steady" }), Record(10, "phase-end", new { phase = "steady" }),
            Record(10, "phase", new { phase = "fault" }), Record(10, "injected", new { fault = "f", pods = Array.Empty<string>() }),
            Record(40, "phase-end", new { phase = "fault" }), Record(40, "phase", new { phase = "recovery" }),
            Record(70, "phase-end", new { phase = "recovery" }),
        }.Concat(events).OrderBy(r => r.At),
    ];

    private static JournalRecord Record(int second, string type, object data) =>
        new(T0.AddSeconds(second), type, (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(data, ExperimentJournal.Json)!);

    private static IReadOnlyList<Verdict> Evaluate(IReadOnlyList<JournalRecord> journal, bool observed, bool alertmanager = true)
    {
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("browse", 1, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new Timeline(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)),
            new Hypotheses([], null, null, [HighErrorRate], ["HighErrorRate", "HighLatency"]), [], 1);
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var target = new RunTarget(new Uri("http://127.0.0.1:9/"), new NoDriver(), observed ? new PrometheusClient(http) : null, null, AlertTimeScale: 1.0 / 30)
        {
            Alertmanager = alertmanager ? new Slo.Alertmanager.AlertmanagerClient(http) : null,
        };
        return HypothesisEvaluator.Evaluate(definition, journal, load: null, rpo: null, target);
    }

    private sealed class NoDriver : IChaosDriver
    {
        public string Name => "none";
        public Task<FaultPlan> PlanAsync(IReadOnlyList<Reliability.Experiments.ChaosMesh.Objects.FaultNode> faults, CancellationToken ct) => throw new NotSupportedException();
        public Task RunAsync(FaultPlan plan, ExperimentJournal journal, CancellationToken window) => throw new NotSupportedException();
        public Task RecoverAllAsync(ExperimentJournal journal) => Task.CompletedTask;
        public IAsyncDisposable Observe(ExperimentJournal journal) => throw new NotSupportedException();
    }
}
