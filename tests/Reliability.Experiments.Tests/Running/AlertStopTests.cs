using System.Net;
using System.Text;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Running;
using Reliability.Observe.Alertmanager;
using static Reliability.Experiments.Tests.Running.FakeClockRunTests;

namespace Reliability.Experiments.Tests.Running;

/// <summary>
/// Stop conditions on alerts: Alertmanager holding the named alert (with the pinned labels) active rolls
/// the fault back within a second; another label set does not; and without Alertmanager nothing is injected.
/// </summary>
public sealed class AlertStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alert-stop-").FullName;

    [Theory]
    [InlineData("page", true)]
    [InlineData("ticket", false)]
    public async Task An_alert_named_by_a_stop_condition_rolls_the_fault_back_when_alertmanager_holds_it(string severity, bool stops)
    {
        var alertmanager = new StubAlertmanager();
        DateTimeOffset? firedAt = null;
        var driver = new FakeDriver(TimeProvider.System)
        {
            Injected = () =>
            {
                alertmanager.Active = $$"""[{"labels": {"alertname": "HighErrorRate", "severity": "{{severity}}"}, "startsAt": "2026-12-07T00:00:00Z", "status": {"state": "active"}, "receivers": [{"name": "oncall"}]}]""";
                firedAt = DateTimeOffset.UtcNow;
            },
        };
        using var http = new HttpClient(alertmanager) { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var target = new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null) { Alertmanager = new AlertmanagerClient(http) };
        var runner = new ExperimentRunner(target, TextWriter.Null, TimeProvider.System) { LoadRunner = new FakeLoad(TimeProvider.System, failFrom: 0, failTo: 0).RunAsync };
        await using var journal = new ExperimentJournal(null, TimeProvider.System);

        var evidence = await runner.RunAsync(Load(fault: stops ? "20s" : "3s"), journal, Path.Combine(_dir, "ledger.jsonl"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        if (stops)
        {
            evidence.Outcome.Should().Be(ExperimentOutcome.Stopped);
            journal.Of<StopConditionTripped>().Single().Condition.Should().Be("alert HighErrorRate{severity=\"page\"}");
            (journal.Of<FaultRecovered>().Single().At - firedAt!.Value).Should().BeLessThan(TimeSpan.FromSeconds(1.5), "Alertmanager is asked every second while the fault is in");
        }
        else
        {
            evidence.Outcome.Should().Be(ExperimentOutcome.Completed, "a ticket is not the page the stop condition names");
            journal.Of<StopConditionTripped>().Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Without_alertmanager_a_stop_condition_on_an_alert_cannot_be_watched_and_nothing_is_injected()
    {
        var driver = new FakeDriver(TimeProvider.System);
        var runner = new ExperimentRunner(new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null), TextWriter.Null, TimeProvider.System)
        {
            LoadRunner = new FakeLoad(TimeProvider.System, failFrom: 0, failTo: 0).RunAsync,
        };
        await using var journal = new ExperimentJournal(null, TimeProvider.System);

        var act = () => runner.RunAsync(Load(fault: "3s"), journal, Path.Combine(_dir, "ledger.jsonl"), CancellationToken.None);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*need Alertmanager*nothing was injected*");
        journal.Of<FaultInjected>().Should().BeEmpty();
    }

    private LoadedExperiment Load(string fault)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $$"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: { name: alert-stop }
            faults: ["{{Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", "pod-kill.yaml")}}"]
            load: { scenario: crud, rate: 10, warmUp: 1s }
            timeline: { steadyState: 2s, fault: {{fault}}, recovery: 1s }
            hypotheses: { slo: { steady: ["fail_rate < 1%"] } }
            stopConditions:
              - { alert: HighErrorRate, labels: { severity: page } }
            seed: 1
            """);
        return ExperimentLoader.Load(path, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Alertmanager's GET /api/v2/alerts: nothing until <see cref="Active"/> is set.</summary>
    private sealed class StubAlertmanager : HttpMessageHandler
    {
        public volatile string Active = "[]";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.RequestUri!.AbsolutePath == "/api/v2/alerts"
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Active, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}
