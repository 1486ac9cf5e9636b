using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Time.Testing;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Evidence.Tests;

public sealed class JournalTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("journal-").FullName;

    /// <summary>One of every event, with every optional field set where it has one.</summary>
    internal static IReadOnlyList<JournalEvent> OneOfEach() =>
    [
        new ExperimentStarted("pod-kill", "d", "x.yaml", "local", "http://127.0.0.1:1/", 7, new PhaseSeconds(15, 20, 20),
            new LoadSpec("task-manager", "crud", 20, null, 60, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3)), ["chaos/pod-kill.yaml"]),
        new FaultPlanned("driver: local", [new PlannedFaultTargets("kill", "SIGKILL", ["sut-zone-a-0"], [])]),
        new WarmUpRaised(12, "raised"), new PhaseStarted(Phase.Steady), new PhaseEnded(Phase.Steady),
        new SteadyStateNotMet("p95 < 500ms: measured 900 ms"), new StopConditionTripped("fail_rate > 50% for 5s", 0.6), new RolledBack("end of fault window"),
        new RunAborted("cancelled", "Ctrl-C"), new ExperimentEnded(ExperimentOutcome.Completed, true, false),
        new ChaosObjectCreated("PodChaos", "task-manager", "kill", "/apis/chaos-mesh.org/v1alpha1/namespaces/task-manager/podchaos/kill"),
        new FaultInjected("kill", "PodChaos", "pod-kill", "SIGKILL", ["sut-zone-a-0"], [], "chaos/pod-kill.yaml"),
        new FaultRecovered("kill", "pod-kill", "task-manager", "podchaos", ["sut-zone-a-0"], ["lb->sut-zone-a-0"], true),
        new RollbackFailed("kill", "task-manager", "podchaos", "timeout", "kubectl delete podchaos.chaos-mesh.org -n task-manager kill"),
        new LinkChanged("lb->sut-zone-a-0", "delay 100ms"),
        new PodEvent("sut-zone-a-0", "killed", "zone-a", "task-manager", "SIGKILL", false, 1, "node-a"),
        new BalancerHealthChanged(5, ["sut-zone-a-1"]), new LeaderObserved("postgres-0", [new DatabaseMember("postgres-0", "zone-a", "master", 1)]),
        new LeaderChanged("postgres-0", "postgres-1", 2), new PatroniDescribed(new JsonObject { ["members"] = new JsonArray() }, new JsonArray()),
        new BackupTaken("20261207-103000F_20261207-103100I", "incr", T0, T0.AddSeconds(2), 4_194_304),
        new DatabaseDestroyed(["postgres-0", "postgres-1"], 3, T0.AddSeconds(-20)),
        new RunbookStepStarted(1, "restore", "restore to the end of the archived WAL"),
        new RunbookStepEnded(1, "restore", 9.5, true, "postgres-0 restored"),
        new RestorePointReached("postgres-0", "the end of the archived WAL", "20261207-103000F", T0.AddSeconds(-3), 2),
        new AlertChanged("HighErrorRate", "firing", T0, new Dictionary<string, string> { ["severity"] = "page" }),
        new AlertmanagerAlertChanged("HighErrorRate", "active"),
        new AlertNotified("firing", "harness", [new NotifiedAlert("HighErrorRate", "firing", T0)]),
        new AlarmChanged("task-manager-high-error-rate", "OK", "ALARM", T0, "Alarm updated from OK to ALARM"),
        new AlarmObserved("task-manager-high-error-rate", "OK", T0),
        new ObservationGap("prometheus", "connection refused"), new ObservationRestored("prometheus"), new ObservationWarning("prometheus", "partial data"),
        new LoadStarted(T0), new LoadSecond(T0, 19, 1, new Dictionary<string, long> { ["http_502"] = 1 }, 12, 40, 80, 90),
        new LoadSeries(T0, 1, [new LoadBucket(T0, 19, 1, new Dictionary<string, long> { ["http_502"] = 1 }, 12, 40, 80, 90, Histogram(12, 40))]),
        new LoadSummary("crud", 20, 19, 1, new Dictionary<string, long> { ["http_502"] = 1 }, 20, 0, 1, 14, 12, 20, 40, 80, 90, 90),
        new RpoReconciled(10, 1, 1, 0, 0, T0, T0, [3]),
        new SliMeasured("server", Phase.Fault, "requests-availability", 99.5, 5, 0.01, null, 100, 99.5, 40),
        new VerdictRecorded("steady: p95 < 500ms", "slo", VerdictStatus.Passed, "40 ms", "p95 < 500ms", "20 iterations"),
    ];

    [Fact]
    public void Every_kind_of_event_is_in_the_sample_so_the_tests_below_cover_the_closed_set()
    {
        var declared = typeof(JournalEvent).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();
        var derived = typeof(JournalEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(JournalEvent))).ToHashSet();

        derived.Should().BeEquivalentTo(declared, "every event record is registered under a discriminator, and only those");
        derived.Should().OnlyContain(t => t.IsSealed);
        OneOfEach().Select(e => e.GetType()).Should().BeEquivalentTo(declared);
    }

    [Fact]
    public async Task A_journal_written_to_disk_reads_back_as_the_same_events_and_every_line_follows_the_schema()
    {
        var path = Path.Combine(_dir, "journal.jsonl");
        var time = new FakeTimeProvider(T0);
        await using (var journal = new ExperimentJournal(path, time))
        {
            foreach (var evt in OneOfEach())
            {
                journal.Write(evt);
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var read = await JournalReader.ReadAsync(path);

        read.Select(JournalJson.Line).Should().Equal(OneOfEach().Select((e, i) => JournalJson.Line(e with { At = T0.AddSeconds(i) })));
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(JournalSchemaTests.RepositoryRoot(), "reports", "schema", "journal-v1.schema.json"));
        foreach (var line in File.ReadLines(path))
        {
            schema.Validate(line).Should().BeEmpty(line);
            JsonNode.Parse(line)!["v"]!.GetValue<int>().Should().Be(1);
        }
    }

    [Fact]
    public async Task A_last_line_cut_short_by_a_crash_is_left_out_and_a_bad_line_before_it_is_an_error_with_its_line_number()
    {
        var path = Path.Combine(_dir, "journal.jsonl");
        var whole = JournalJson.Line(new PhaseStarted(Phase.Steady) { At = T0 });
        File.WriteAllText(path, whole + "\n" + whole[..20]);

        (await JournalReader.ReadAsync(path)).Should().ContainSingle().Which.Should().BeOfType<PhaseStarted>();

        File.WriteAllText(path, whole[..20] + "\n" + whole + "\n");
        var act = () => JournalReader.ReadAsync(path);
        (await act.Should().ThrowAsync<System.Text.Json.JsonException>()).WithMessage($"{path}:1:*");
    }

    [Fact]
    public void An_event_written_without_a_time_gets_the_clock_s_and_one_with_a_time_keeps_it()
    {
        var time = new FakeTimeProvider(T0);
        var journal = new ExperimentJournal(null, time);

        journal.Write(new PhaseStarted(Phase.Steady)).At.Should().Be(T0);
        journal.Write(new LeaderChanged("a", "b", 2) { At = T0.AddSeconds(-3) }).At.Should().Be(T0.AddSeconds(-3));
    }

    internal static string Histogram(params int[] milliseconds)
    {
        var histogram = new Reliability.Load.Measurement.LatencyHistogram(2);
        foreach (var ms in milliseconds)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }
        return histogram.Encode();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
