using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Running;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Results;
using Reliability.Observe.Prometheus;
using Reliability.Slo.Specs;
using Reliability.Slo.Verdicts;
using Reliability.Sut.Local.Embedded;

namespace Reliability.Experiments.Tests.Running;

/// <summary>
/// An experiment whose Prometheus dies at injection: what could not be observed is inconclusive, never a
/// pass, while what the load generator saw is still judged. Real environment, real Prometheus.
/// </summary>
public sealed class PrometheusOutageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("prometheus-outage-").FullName;

    [Fact]
    public async Task Stopping_Prometheus_mid_run_makes_the_verdicts_that_need_it_inconclusive()
    {
        var experimentPath = Path.Combine(_dir, "outage.yaml");
        File.WriteAllText(experimentPath, $"""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: prometheus-outage {"}"}
            faults: ["{Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", "pod-kill.yaml")}"]
            load: {"{"} scenario: browse, rate: 10, warmUp: 1s {"}"}
            timeline: {"{"} steadyState: 5s, fault: 6s, recovery: 4s {"}"}
            hypotheses:
              slo:
                steady: ["fail_rate < 5%", "sli:requests-availability >= 99%"]
                fault: ["sli:requests-availability >= 90%"]
              alerts: [{"{"} name: HighErrorRate, firesWithin: 2m {"}"}]
              quietInSteadyState: [HighLatency]
            seed: 1
            """);
        var experiment = ExperimentLoader.Load(experimentPath, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);
        await using var environment = await LocalEnvironment.StartAsync(new EnvironmentOptions { ReplicasPerZone = 1 });
        using var http = new HttpClient { BaseAddress = environment.Prometheus!.Address, Timeout = TimeSpan.FromSeconds(2) };
        var target = new RunTarget(environment.EntryPoint, new LocalChaosDriver(environment, seed: 1, time: TimeProvider.System), new PrometheusClient(http, retries: 0),
            environment.DatabaseAdminConnectionString, environment.Options.Monitoring.RuleTimeScale);
        var slos = RulesFiles.LoadSpecs(Path.Combine(Definitions.ExperimentsFolder.Path, "..", "slo", "specs")).SelectMany(s => s.Slos).ToList();
        var output = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        await using var journal = new ExperimentJournal(Path.Combine(output, "journal.jsonl"), TimeProvider.System);
        var run = new ExperimentRunner(target, TextWriter.Null, TimeProvider.System).RunAsync(experiment, journal, Path.Combine(output, "write-ledger.jsonl"), CancellationToken.None);

        await StopPrometheusAtInjectionAsync(environment, Path.Combine(output, "journal.jsonl"), run);
        var evidence = await run;
        await new Judge(target.Prometheus, new Observation(Alerts: true, Delivery: false, target.AlertTimeScale), slos)
            .JudgeAsync(experiment.Definition, journal, evidence.WriteAcks, CancellationToken.None);
        var result = ExperimentResult.From(experiment.Definition, journal.Events, journal.Path!, "");

        Verdict Of(string hypothesis) => result.Verdicts.Single(v => v.Hypothesis.StartsWith(hypothesis, StringComparison.Ordinal));
        Of("steady: fail_rate").Status.Should().Be(VerdictStatus.Passed, "the load generator still sees the users' side");
        Of("no HighLatency").Status.Should().Be(VerdictStatus.Passed, "Prometheus was up through the steady state");
        Of("steady: sli:").Status.Should().Be(VerdictStatus.Inconclusive, "the server-side SLIs are measured after the run, when Prometheus is gone");
        Of("fault: sli:").Status.Should().Be(VerdictStatus.Inconclusive);
        Of("alert HighErrorRate").Status.Should().Be(VerdictStatus.Inconclusive);
        Of("alert HighErrorRate").Evidence.Should().Contain("could not be queried");
        result.Passed.Should().BeFalse();
        result.Inconclusive.Should().BeTrue();
        File.ReadAllText(Path.Combine(output, "journal.jsonl")).Should().Contain("\"type\":\"observation-gap\"");
    }

    private static async Task StopPrometheusAtInjectionAsync(LocalEnvironment environment, string journal, Task run)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!(File.Exists(journal) && Read(journal).Contains("\"type\":\"injected\"", StringComparison.Ordinal)))
        {
            if (run.IsCompleted || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the experiment never injected");
            }
            await Task.Delay(50);
        }
        await environment.Prometheus!.StopAsync();
    }

    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
