using System.Text.Json.Nodes;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Running;
using Reliability.Observe.CloudWatch;
using Reliability.Sut.Local.Monitoring.CloudWatch;
using static Reliability.Experiments.Tests.Running.FakeClockRunTests;

namespace Reliability.Experiments.Tests.Running;

/// <summary>
/// Stop conditions on CloudWatch alarms, against the CloudWatch stand-in: an alarm going to ALARM while the
/// fault is in rolls it back within a second of CloudWatch's change; an alarm CloudWatch does not have, or no
/// CloudWatch at all, refuses the run before anything is injected.
/// </summary>
public sealed class AlarmStopTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alarm-stop-").FullName;
    private CloudWatchStandIn _cloudWatch = null!;
    private HttpClient _http = null!;
    private CloudWatchClient _client = null!;

    public async Task InitializeAsync()
    {
        _cloudWatch = await CloudWatchStandIn.StartAsync(TimeProvider.System);
        _http = new HttpClient { BaseAddress = _cloudWatch.Address };
        _client = new CloudWatchClient(_http, _ => Task.FromResult(_cloudWatch.Credentials), _cloudWatch.Region, TimeProvider.System);
        // Any failed request in a 1 s period: the alarm a stop condition names.
        await _client.PutMetricAlarmAsync(new JsonObject
        {
            ["AlarmName"] = "test-errors", ["Namespace"] = "Test", ["MetricName"] = "Errors", ["Statistic"] = "Sum", ["Period"] = 1,
            ["EvaluationPeriods"] = 1, ["Threshold"] = 0, ["ComparisonOperator"] = "GreaterThanThreshold", ["TreatMissingData"] = "notBreaching",
        });
    }

    [Fact]
    public async Task An_alarm_named_by_a_stop_condition_rolls_the_fault_back_within_a_second_of_going_to_ALARM()
    {
        var driver = new FakeDriver(TimeProvider.System)
        {
            // The fault makes errors: CloudWatch sees them in the next complete period.
            Injected = () => _ = _client.PutMetricDataAsync("Test", [MetricDatum.Single("Errors", [], DateTimeOffset.UtcNow, 5)]),
        };
        var runner = new ExperimentRunner(new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null) { CloudWatch = _client }, TextWriter.Null, TimeProvider.System)
        {
            LoadRunner = new FakeLoad(TimeProvider.System, failFrom: 0, failTo: 0).RunAsync,
        };
        await using var journal = new ExperimentJournal(null, TimeProvider.System);

        var evidence = await runner.RunAsync(Load("test-errors"), journal, Path.Combine(_dir, "ledger.jsonl"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        evidence.Outcome.Should().Be(ExperimentOutcome.Stopped);
        driver.Recovered.Should().BeTrue();
        journal.Of<StopConditionTripped>().Single().Condition.Should().Be("alarm test-errors");
        var alarmed = (await _client.DescribeAlarmHistoryAsync("test-errors", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow)).Single(c => c.NewState == "ALARM").At;
        (journal.Of<FaultRecovered>().Single().At - alarmed).Should().BeLessThan(TimeSpan.FromSeconds(1.5), "CloudWatch is asked every second while the fault is in");
        (journal.Of<FaultRecovered>().Single().At - journal.Of<FaultInjected>().Single().At).Should().BeLessThan(TimeSpan.FromSeconds(10), "the fault window was 20 s");
    }

    [Theory]
    [InlineData("no-such-alarm", true, "*CloudWatch does not have: alarm no-such-alarm*nothing was injected*")]
    [InlineData("test-errors", false, "*need CloudWatch*nothing was injected*")]
    public async Task A_stop_condition_on_an_alarm_that_cannot_be_watched_refuses_the_run_before_injection(string alarm, bool withCloudWatch, string message)
    {
        var driver = new FakeDriver(TimeProvider.System);
        var target = new RunTarget(new Uri("http://127.0.0.1:9/"), driver, null, null) { CloudWatch = withCloudWatch ? _client : null };
        var runner = new ExperimentRunner(target, TextWriter.Null, TimeProvider.System) { LoadRunner = new FakeLoad(TimeProvider.System, failFrom: 0, failTo: 0).RunAsync };
        await using var journal = new ExperimentJournal(null, TimeProvider.System);

        var act = () => runner.RunAsync(Load(alarm), journal, Path.Combine(_dir, "ledger.jsonl"), CancellationToken.None);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage(message);
        journal.Of<FaultInjected>().Should().BeEmpty();
    }

    private LoadedExperiment Load(string alarm)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $$"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: { name: alarm-stop }
            faults: ["{{Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", "pod-kill.yaml")}}"]
            load: { scenario: crud, rate: 10, warmUp: 1s }
            timeline: { steadyState: 2s, fault: 20s, recovery: 1s }
            hypotheses: { slo: { steady: ["fail_rate < 1%"] } }
            stopConditions:
              - { alarm: {{alarm}} }
            seed: 1
            """);
        return ExperimentLoader.Load(path, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cloudWatch.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
