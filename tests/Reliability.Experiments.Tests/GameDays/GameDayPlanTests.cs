using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.GameDays;

namespace Reliability.Experiments.Tests.GameDays;

public sealed class GameDayPlanTests
{
    [Fact]
    public void The_default_plan_covers_pod_kill_database_delay_zone_failure_and_the_primary_loss_and_every_experiment_loads()
    {
        var plan = GameDayPlanFile.Load(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "gamedays", "default.yaml"));

        var experiments = GameDayRunner.LoadAll(plan, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: true);

        experiments.Select(e => e.Definition.Name).Should().Equal("pod-kill", "network-delay-db", "zone-failure", "db-primary-kill");
        plan.Steps.Select(s => s.Weight).Should().Equal(1, 1, 2, 2);
        experiments.Select(e => e.Definition.Environment).Distinct().Should().ContainSingle("one environment serves the whole day");
        plan.CoolDown.Should().Be(TimeSpan.FromSeconds(15));
        plan.StopOnFailure.Should().BeFalse();
    }

    [Theory]
    [InlineData("weight: NaN", 7, "experiments[0].weight", "not a finite number")]
    [InlineData("weight: 0", 7, "experiments[0].weight", "must be greater than 0")]
    [InlineData("weight: [1]", 7, "experiments[0].weight", "expected a single value")]
    public void A_weight_that_is_no_positive_number_is_refused_with_its_location(string weight, int line, string field, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            apiVersion: reliability.dev/v1alpha1
            kind: GameDay
            metadata: {"{"} name: weights {"}"}
            coolDown: 0s
            experiments:
              - path: {Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "pod-kill.yaml")}
                {weight}
            """);
        try
        {
            var act = () => GameDayPlanFile.Load(path);

            act.Should().Throw<ManifestException>().Which.Problems.Should().ContainSingle(p => p.Line == line && p.Path == field && p.Message.Contains(message));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_plan_naming_a_missing_experiment_is_refused_with_its_location()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            apiVersion: reliability.dev/v1alpha1
            kind: GameDay
            metadata: { name: broken }
            onFailure: panic
            experiments:
              - path: nowhere.yaml
            """);
        try
        {
            var act = () => GameDayPlanFile.Load(path);

            act.Should().Throw<ManifestException>().Which.Problems.Select(p => (p.Line, p.Path)).Should().BeEquivalentTo([(4L, "onFailure"), (6L, "experiments[0].path")]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_resilience_score_is_the_weighted_share_of_hypotheses_passed()
    {
        var allPassed = Result(VerdictStatus.Passed, VerdictStatus.Passed);
        var half = Result(VerdictStatus.Passed, VerdictStatus.Inconclusive);

        // (1 x 1 + 3 x 0.5 + 1 x 0) / 5 = 0.5: inconclusive and not-run count as not passed.
        ResilienceScore.Of([(1, allPassed), (3, half), (1, null)]).Should().BeApproximately(50, 1e-9);
        ResilienceScore.Of([(2, Result([new StopConditionTripped("fail_rate > 50%", 0.9)], VerdictStatus.Passed, VerdictStatus.Inconclusive))])
            .Should().Be(0, "an experiment that did not complete scores nothing");
    }

    private static ExperimentResult Result(params VerdictStatus[] statuses) => Result([], statuses);

    private static ExperimentResult Result(IReadOnlyList<JournalEvent> more, params VerdictStatus[] statuses)
    {
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("task-manager", "browse", 1, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new TimelineSpec(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), new Hypotheses([], null, null, [], []), [], 1);
        return ExperimentResult.From(definition, [.. more, .. statuses.Select(s => new VerdictRecorded("h", "slo", s, null, "t", "e"))], "j", "l");
    }
}
