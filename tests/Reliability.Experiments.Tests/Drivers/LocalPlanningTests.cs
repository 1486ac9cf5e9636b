using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Drivers.Local;
using Reliability.Sut.Local.Embedded;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>Planning against the default topology: which pods and links each Chaos Mesh spec selects.</summary>
public sealed class LocalPlanningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("planning-").FullName;

    [Fact]
    public async Task Zone_failure_hits_every_zone_a_pod_and_cuts_every_path_to_zone_a()
    {
        var plan = await Plan(File.ReadAllText(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "chaos", "zone-failure.yaml")));

        var pods = plan.Leaves.Single(l => l.Fault.Name == "zone-a-pods-fail");
        pods.Pods.Should().Equal("etcd-zone-a", "postgres-0", "sut-zone-a-0", "sut-zone-a-1");
        var partition = plan.Leaves.Single(l => l.Fault.Name == "zone-a-partition");
        partition.Links.Should().OnlyContain(l => l.EndsWith("(blackhole both)", StringComparison.Ordinal));
        // Every link with a zone-a end: six replicas to postgres-0, the zone-a replicas to postgres-1, postgres-0 to each etcd,
        // postgres-1 to etcd-zone-a, and replication both ways between the members.
        partition.Links.Should().HaveCount(6 + 2 + 3 + 1 + 2, "the balancer is not a pod of the namespace")
            .And.Contain(l => l.StartsWith("sut-zone-c-0->postgres-0 ", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("postgres-1->etcd-zone-a ", StringComparison.Ordinal))
            .And.NotContain(l => l.StartsWith("sut-zone-b-0->postgres-1 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_single_database_zone_failure_cuts_every_replica_from_it()
    {
        var plan = await Plan(File.ReadAllText(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "chaos", "zone-failure.yaml")), Single);

        var partition = plan.Leaves.Single(l => l.Fault.Name == "zone-a-partition");
        partition.Links.Should().HaveCount(6).And.OnlyContain(l => l.EndsWith("->postgres (blackhole both)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_primary_is_selected_by_its_live_role_label_and_a_crash_takes_the_postgres_container()
    {
        var kill = await Plan(File.ReadAllText(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "chaos", "db-primary-kill.yaml")));
        kill.Leaves.Single().Pods.Should().Equal("postgres-0");
        kill.Leaves.Single().Effect.Should().StartWith("node loss");

        var crash = await Plan(File.ReadAllText(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "chaos", "db-postgres-crash.yaml")));
        crash.Leaves.Single().Effect.Should().Contain("postmaster only");

        var partition = await Plan(File.ReadAllText(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "chaos", "db-primary-partition.yaml")));
        partition.Leaves.Single().Links.Should().HaveCount(3 + 6).And.NotContain(l => l.Contains("postgres-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delay_from_the_database_side_slows_the_responses()
    {
        var plan = await Plan("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: NetworkChaos
            metadata: { name: slow-answers, namespace: task-manager }
            spec:
              action: delay
              mode: all
              selector: { labelSelectors: { app: postgres } }
              direction: to
              target: { mode: one, selector: { labelSelectors: { app: sut }, nodeSelectors: { topology.kubernetes.io/zone: zone-c } } }
              delay: { latency: 50ms }
            """);

        plan.Leaves.Single().Links.Should().HaveCount(2, "one zone-c replica, to each database member")
            .And.OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^sut-zone-c-\d->postgres-[01] \(\+50ms downstream\)$"));
    }

    [Theory]
    [InlineData("fixed-percent", "50", 3)]
    [InlineData("fixed-percent", "10", 0)]
    [InlineData("fixed", "4", 4)]
    [InlineData("fixed", "40", 6)]
    [InlineData("all", null, 6)]
    [InlineData("one", null, 1)]
    public void Modes_pick_as_Chaos_Mesh_does(string mode, string? value, int expected)
    {
        var picked = new PodMode(PodMode.Names[mode], value).Pick(Enumerable.Range(0, 6).ToList(), new Random(1));

        picked.Should().HaveCount(expected).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Random_max_percent_is_bounded_and_replayable_from_the_seed()
    {
        var mode = new PodMode(SelectionMode.RandomMaxPercent, "50");
        var candidates = Enumerable.Range(0, 10).ToList();

        var counts = Enumerable.Range(0, 200).Select(seed => mode.Pick(candidates, new Random(seed)).Count).ToList();

        counts.Should().OnlyContain(c => c >= 0 && c <= 5);
        counts.Distinct().Count().Should().BeGreaterThan(3);
        mode.Pick(candidates, new Random(9)).Should().Equal(mode.Pick(candidates, new Random(9)));
    }

    [Fact]
    public async Task Selectors_that_match_nothing_and_unsupported_fields_are_refused_with_their_location()
    {
        var act = () => Plan("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: PodChaos
            metadata: { name: nothing, namespace: task-manager }
            spec:
              action: pod-kill
              mode: one
              selector:
                expressionSelectors: [{ key: app, operator: In, values: [payments, billing] }]
            """);

        (await act.Should().ThrowAsync<ManifestException>()).Which.Problems.Should().ContainSingle(p => p.Line == 8 && p.Message.Contains("matches no pod"));

        var unsupported = () => Plan("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: NetworkChaos
            metadata: { name: outside, namespace: task-manager }
            spec:
              action: delay
              mode: all
              selector: { labelSelectors: { app: sut } }
              externalTargets: [example.com]
              delay: { latency: 10ms }
            """);
        (await unsupported.Should().ThrowAsync<ManifestException>()).Which.Problems.Should().ContainSingle(p => p.Line == 8 && p.Path == "spec.externalTargets" && p.Message.Contains("refused rather than ignored"));
    }

    [Fact]
    public async Task Killing_the_single_database_is_refused_it_is_not_supervised()
    {
        var act = () => Plan("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: PodChaos
            metadata: { name: db, namespace: task-manager }
            spec: { action: pod-kill, mode: one, selector: { labelSelectors: { app: postgres } } }
            """, Single);

        (await act.Should().ThrowAsync<ManifestException>()).WithMessage("*the single database is not a supervised pod*");
    }

    [Fact]
    public void A_schedule_is_not_an_injectable_fault()
    {
        var path = Write(File.ReadAllText(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "chaos", "gameday-schedule.yaml")));

        var act = () => FaultReader.Read(ChaosDocument.Load(path)[0], strict: true);

        act.Should().Throw<ManifestException>().WithMessage("*Schedule*name the chaos itself*");
    }

    private static readonly EnvironmentOptions Single = new() { Database = Reliability.Sut.Local.Database.DatabaseMode.Single };

    private async Task<Experiments.Drivers.FaultPlan> Plan(string yaml, EnvironmentOptions? options = null)
    {
        var faults = ChaosDocument.Load(Write(yaml)).Select(d => FaultReader.Read(d, strict: true)).ToList();
        return await LocalChaosDriver.ForPlanning(options ?? new EnvironmentOptions(), seed: 1).PlanAsync(faults, CancellationToken.None);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
