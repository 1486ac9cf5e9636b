using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Definitions;
using Reliability.Experiments.GameDays;
using Reliability.Experiments.Running;
using Reliability.Experiments.Verdicts;

namespace Reliability.Experiments.Tests.GameDays;

public sealed class GameDayPlanTests
{
    [Fact]
    public void The_default_plan_covers_pod_kill_database_delay_zone_failure_and_the_primary_loss_and_every_experiment_loads()
    {
        var plan = GameDayPlan.Load(Path.Combine(Tests.Definitions.ExperimentsFolder.Path, "gamedays", "default.yaml"));

        var experiments = GameDayRunner.LoadAll(plan, ChaosMeshSchemas.Load(), strict: true);

        experiments.Select(e => e.Definition.Name).Should().Equal("pod-kill", "network-delay-db", "zone-failure", "db-primary-kill");
        plan.Steps.Select(s => s.Weight).Should().Equal(1, 1, 2, 2);
        experiments.Select(e => e.Definition.Environment).Distinct().Should().ContainSingle("one environment serves the whole day");
        plan.CoolDown.Should().Be(TimeSpan.FromSeconds(15));
        plan.StopOnFailure.Should().BeFalse();
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
            var act = () => GameDayPlan.Load(path);

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
        ResilienceScore.Of([(2, half with { Outcome = ExperimentOutcome.Stopped })]).Should().Be(0, "an experiment that did not complete scores nothing");
    }

    private static ExperimentResult Result(params VerdictStatus[] statuses)
    {
        var definition = new ExperimentDefinition("x.yaml", "x", null, [], new LoadSpec("browse", 1, null, 10, TimeSpan.FromSeconds(1), TimeSpan.Zero),
            new Timeline(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), new Hypotheses([], null, null, [], []), [], 1);
        return new ExperimentResult(definition, ExperimentOutcome.Completed, [.. statuses.Select(s => new Verdict("h", "slo", s, null, "t", "e"))], null, null, "j", "l");
    }
}
