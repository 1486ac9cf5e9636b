using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.Running;

namespace Reliability.Experiments.Tests.Definitions;

public sealed class ExperimentFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("experiment-file-").FullName;

    public static TheoryData<string> Shipped() => [.. ExperimentsFolder.ExperimentFiles()];

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Every_shipped_experiment_loads_with_its_manifests(string path)
    {
        var experiment = ExperimentLoader.Load(path, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);

        experiment.Faults.Should().NotBeEmpty();
        experiment.Definition.Hypotheses.Count.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Reads_every_section()
    {
        var definition = ExperimentFile.Load(Write("""
            apiVersion: reliability.dev/v1alpha1
            kind: Experiment
            metadata: { name: sample, description: text }
            faults: [fault.yaml]
            load: { scenario: crud, rate: 12.5, maxConcurrent: 40, timeout: 2s, warmUp: 1s }
            timeline: { steadyState: 10s, fault: 20s, recovery: 30s }
            hypotheses:
              slo: { steady: ["fail_rate < 1%", "sli:requests-availability >= 99.9%"], fault: ["p95 < 1s"], recovery: ["fail_rate < 2%"] }
              rto: { max: 15s, sli: "fail_rate < 5%", window: 2s, stableFor: 4s }
              rpo: { maxLostWrites: 3, maxDataLossWindow: 1h }
              alerts: [{ name: HighErrorRate, firesWithin: 10m, resolvesWithin: 5m }]
              quietInSteadyState: [HighLatency]
            stopConditions: ["fail_rate > 50% for 10s"]
            seed: 42
            """), TestTargets.Catalog);

        definition.Name.Should().Be("sample");
        definition.Load.Should().Be(new LoadSpec("task-manager", "crud", 12.5, null, 40, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        definition.Timeline.Total.Should().Be(TimeSpan.FromSeconds(60));
        definition.Hypotheses.Objectives.Select(o => o.Phase).Should().Equal(Phase.Steady, Phase.Fault, Phase.Recovery);
        definition.Hypotheses.ServerObjectives.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Phase = Phase.Steady, Slo = "requests-availability", Operator = ">=", Percent = 99.9, Line = 8L });
        definition.Hypotheses.Rto!.Max.Should().Be(TimeSpan.FromSeconds(15));
        definition.Hypotheses.Rto.StableFor.Should().Be(TimeSpan.FromSeconds(4));
        definition.Hypotheses.Rpo.Should().Be(new RpoHypothesis(3, TimeSpan.FromHours(1)));
        definition.Hypotheses.Alerts.Single().Should().Be(new AlertExpectation("HighErrorRate", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)));
        definition.StopConditions.Single().For.Should().Be(TimeSpan.FromSeconds(10));
        definition.Seed.Should().Be(42);
    }

    [Theory]
    [InlineData("load: { scenario: crud, rate: 5, users: 3 }", 5, "load: give exactly one of rate")]
    [InlineData("load: { scenario: shopping, rate: 5 }", 5, "load.scenario: 'shopping' is not one of browse, crud, write-heavy")]
    [InlineData("load: { scenario: crud, rate: 5, burst: 3 }", 5, "load.burst: unknown field")]
    [InlineData("timeline: { steadyState: 10s, fault: soon, recovery: 5s }", 6, "timeline.fault")]
    [InlineData("stopConditions: [\"fail_rate > 50%\"]", 8, "stopConditions[0]: stop condition 'fail_rate > 50%' is not of the form")]
    [InlineData("hypotheses: { slo: { fault: [\"sli:availability at least 99\"] } }", 7, "hypotheses.slo.fault[0]: 'sli:availability at least 99' is not of the form")]
    [InlineData("load: { scenario: crud, rate: NaN }", 5, "load.rate: 'NaN' is not a finite number")]
    [InlineData("load: { scenario: crud, rate: Infinity }", 5, "load.rate: 'Infinity' is not a finite number")]
    [InlineData("load: { scenario: crud, rate: 0 }", 5, "load.rate: must be greater than 0")]
    [InlineData("load: { scenario: crud, users: 2.5 }", 5, "load.users: '2.5' is not a whole number")]
    [InlineData("load: { scenario: crud, rate: 5, maxConcurrent: 0 }", 5, "load.maxConcurrent: must be at least 1")]
    [InlineData("load: { scenario: crud, rate: 5, shards: 0 }", 5, "load.shards: must be at least 1")]
    [InlineData("load: { scenario: crud, rate: 5, shards: 65 }", 5, "load.shards: at most 64 generator processes on one machine")]
    [InlineData("load: { scenario: crud, rate: 5, readyWithin: 30s }", 5, "load.readyWithin: only sharded load (shards of 2 or more) has pods to wait for")]
    [InlineData("load: { scenario: crud, rate: 5, shards: 2, readyWithin: 0s }", 5, "load.readyWithin: must be longer than zero")]
    [InlineData("load: { scenario: crud, rate: 5, timeout: 0s }", 5, "load.timeout: must be longer than zero")]
    [InlineData("load: { scenario: crud, rate: 5, [a, b]: 1 }", 5, "load.(key): expected a plain field name")]
    [InlineData("metadata: { name: Sample_1 }", 3, "metadata.name: 'Sample_1' is not a DNS-1123 label")]
    [InlineData("hypotheses: { rpo: { maxLostWrites: -1 } }", 7, "hypotheses.rpo.maxLostWrites: must be at least 0")]
    [InlineData("hypotheses: { rpo: { } }", 7, "hypotheses.rpo: give maxLostWrites, maxDataLossWindow or both")]
    [InlineData("hypotheses: { rpo: { maxDataLossWindow: an hour } }", 7, "hypotheses.rpo.maxDataLossWindow")]
    [InlineData("hypotheses: { alerts: [{ name: HighErrorRate, firesWithin: 0s }] }", 7, "hypotheses.alerts[0].firesWithin: must be longer than zero")]
    [InlineData("hypotheses: { alerts: [{ name: HighErrorRate, firesWithin: 1m, labels: [page] }] }", 7, "hypotheses.alerts[0].labels: expected a mapping")]
    [InlineData("hypotheses: { alerts: [{ name: HighErrorRate, firesWithin: 1m, labels: { severity: [page] } }] }", 7, "hypotheses.alerts[0].labels: expected label: value pairs")]
    [InlineData("environment: { database: single, backups: { interval: 1m } }", 8, "environment.backups: backups need database: patroni")]
    [InlineData("environment: { backups: { interval: 2s } }", 8, "environment.backups: interval must be zero (no schedule) or at least 5 s")]
    [InlineData("environment: { backups: { scheduled: weekly } }", 8, "environment.backups.scheduled: expected incremental, differential or full")]
    [InlineData("environment: { backups: { archiveTimeout: 1.5s } }", 8, "environment.backups: archive timeout is whole seconds")]
    [InlineData("environment: { backups: { every: 1m } }", 8, "environment.backups.every: unknown field")]
    public void Problems_name_file_line_and_field(string replacement, int line, string message)
    {
        var lines = Valid().Split('\n').ToList();
        var key = replacement.Split(':')[0];
        var index = lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        if (index >= 0)
        {
            lines[index] = replacement;
        }
        else
        {
            lines.Add(replacement);
        }
        var path = Write(string.Join('\n', lines));

        var act = () => ExperimentFile.Load(path, TestTargets.Catalog);

        act.Should().Throw<ManifestException>().Which.Problems.Should().Contain(p => p.File == path && p.Line == line && p.ToString().Contains(message));
    }

    [Fact]
    public void Stop_conditions_name_client_measures_alerts_or_cloudwatch_alarms_and_a_wrong_field_is_located()
    {
        var path = Write(Valid() + "\nstopConditions:\n  - fail_rate > 50% for 5s\n  - { alert: HighErrorRate, labels: { severity: page } }\n  - { alarm: task-manager-high-error-rate }");
        var definition = ExperimentFile.Load(path, TestTargets.Catalog);

        definition.StopConditions.Should().ContainSingle().Which.Expression.Should().Be("fail_rate > 50% for 5s");
        definition.AlertStops.Should().ContainSingle().Which.ToString().Should().Be("alert HighErrorRate{severity=\"page\"}");
        definition.AlarmStops.Should().ContainSingle().Which.ToString().Should().Be("alarm task-manager-high-error-rate");

        var alarm = Write(Valid() + "\nstopConditions:\n  - { alarm: TargetGroup5xx, labels: { severity: page } }");
        var act = () => ExperimentFile.Load(alarm, TestTargets.Catalog);
        act.Should().Throw<ManifestException>().Which.Problems.Should().ContainSingle(p => p.Line == 9 && p.ToString().Contains("stopConditions[0].labels: unknown field"));
    }

    [Fact]
    public void Backups_are_read_with_the_environments_defaults_for_what_is_left_out()
    {
        var environment = ExperimentFile.Load(Write(Valid() + "\nenvironment: { database: patroni, backups: { interval: 30s, scheduled: differential } }"), TestTargets.Catalog).Environment;

        environment.Backups.Should().Be(new BackupsSpec(TimeSpan.FromSeconds(30), "differential", TimeSpan.FromSeconds(10)));
        ExperimentFile.Load(Write(Valid()), TestTargets.Catalog).Environment.Backups.Should().BeNull("backups are asked for, not on by default");
    }

    [Fact]
    public void An_expected_alert_can_pin_labels()
    {
        var path = Write(Valid().Replace("hypotheses: { slo: { steady: [\"fail_rate < 1%\"] } }",
            "hypotheses: { slo: { steady: [\"fail_rate < 1%\"] }, alerts: [{ name: HighErrorRate, labels: { severity: page, zone: zone-a }, firesWithin: 1m }] }"));

        var alert = ExperimentFile.Load(path, TestTargets.Catalog).Hypotheses.Alerts.Single();

        alert.Labels.Should().Equal(new Dictionary<string, string> { ["severity"] = "page", ["zone"] = "zone-a" });
        alert.ToString().Should().Be("HighErrorRate{severity=\"page\",zone=\"zone-a\"}");
    }

    [Fact]
    public void Expected_and_quiet_cloudwatch_alarms_are_read_beside_alerts_and_a_wrong_entry_is_located()
    {
        var path = Write(Valid().Replace("hypotheses: { slo: { steady: [\"fail_rate < 1%\"] } }",
            "hypotheses: { alarms: [{ name: task-manager-high-error-rate, firesWithin: 5m, resolvesWithin: 10m }], quietInSteadyState: [HighErrorRate, { alarm: task-manager-high-latency-p95 }] }"));

        var hypotheses = ExperimentFile.Load(path, TestTargets.Catalog).Hypotheses;

        hypotheses.Alarms.Should().Equal(new AlarmExpectation("task-manager-high-error-rate", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)));
        hypotheses.QuietInSteadyState.Should().Equal("HighErrorRate");
        hypotheses.QuietAlarms.Should().Equal("task-manager-high-latency-p95");

        var wrong = Write(Valid().Replace("hypotheses: { slo: { steady: [\"fail_rate < 1%\"] } }", "hypotheses: { alarms: [{ name: x, firesWithin: 1m, for: 2m }] }"));
        var act = () => ExperimentFile.Load(wrong, TestTargets.Catalog);
        act.Should().Throw<ManifestException>().Which.Problems.Should().Contain(p => p.Line == 7 && p.ToString().Contains("hypotheses.alarms[0].for: unknown field"));
    }

    [Fact]
    public void A_number_that_is_no_number_is_one_problem_not_a_range_complaint_too()
    {
        var path = Write(Valid().Replace("load: { scenario: crud, rate: 5 }", "load: { scenario: crud, rate: fast }"));

        var act = () => ExperimentFile.Load(path, TestTargets.Catalog);

        act.Should().Throw<ManifestException>().Which.Problems.Should().ContainSingle(p => p.Path == "load.rate");
    }

    [Fact]
    public void A_key_given_twice_is_a_located_problem_not_a_crash()
    {
        var path = Write(Valid() + "\nseed: 1\nseed: 2\n");

        var act = () => ExperimentFile.Load(path, TestTargets.Catalog);

        act.Should().Throw<ManifestException>().Which.Problems.Should().ContainSingle(p => p.Line == 9 && p.Message.Contains("seed"));
    }

    [Fact]
    public void A_missing_fault_file_is_named()
    {
        var path = Write(Valid().Replace("faults: [fault.yaml]", "faults: [nowhere.yaml]"));

        var act = () => ExperimentFile.Load(path, TestTargets.Catalog);

        act.Should().Throw<ManifestException>().Which.Problems.Should().ContainSingle(p => p.Line == 4 && p.Message.Contains("nowhere.yaml"));
    }

    [Fact]
    public void An_experiment_without_hypotheses_is_refused()
    {
        var path = Write(Valid().Replace("hypotheses: { slo: { steady: [\"fail_rate < 1%\"] } }", "hypotheses: {}"));

        var act = () => ExperimentFile.Load(path, TestTargets.Catalog);

        act.Should().Throw<ManifestException>().WithMessage("*at least one hypothesis*");
    }

    private static string Valid() => """
        apiVersion: reliability.dev/v1alpha1
        kind: Experiment
        metadata: { name: sample }
        faults: [fault.yaml]
        load: { scenario: crud, rate: 5 }
        timeline: { steadyState: 10s, fault: 20s, recovery: 30s }
        hypotheses: { slo: { steady: ["fail_rate < 1%"] } }
        """;

    private string Write(string text)
    {
        File.WriteAllText(Path.Combine(_dir, "fault.yaml"), "apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\n");
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

internal static class ExperimentsFolder
{
    public static string Path { get; } = Locate();

    public static IEnumerable<string> ExperimentFiles() =>
        Directory.EnumerateFiles(Path, "*.yaml", SearchOption.AllDirectories).Where(ExperimentFile.IsExperimentFile).Order();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(System.IO.Path.Combine(dir.FullName, "experiments", "chaos")))
            {
                return System.IO.Path.Combine(dir.FullName, "experiments");
            }
        }
        throw new DirectoryNotFoundException("experiments/chaos");
    }
}
