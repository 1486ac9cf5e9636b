using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Slo.Verdicts;

namespace Reliability.Slo.Tests.Verdicts;

/// <summary>The RPO as lost writes and as a data-loss window, from a reconciliation of the write ledger.</summary>
public sealed class RpoVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_data_loss_window_is_the_span_of_the_lost_acknowledgements_and_passes_up_to_its_bound()
    {
        var rpo = new RpoResult(500, 40, 40, 0, 2, T0.AddSeconds(10), T0.AddSeconds(13.5), [1, 2, 3]);

        var within = RpoVerdicts.Judge(new RpoHypothesis(null, TimeSpan.FromSeconds(4)), rpo).Single();
        var beyond = RpoVerdicts.Judge(new RpoHypothesis(null, TimeSpan.FromSeconds(3)), rpo).Single();

        within.Status.Should().Be(VerdictStatus.Passed);
        within.Measured.Should().Be("3.5 s");
        within.Hypothesis.Should().Be("RPO: data-loss window at most 4.0 s");
        beyond.Status.Should().Be(VerdictStatus.Failed);
        beyond.Evidence.Should().Contain("40 missing");
    }

    [Fact]
    public void Both_forms_are_judged_each_on_its_own()
    {
        var rpo = new RpoResult(500, 40, 40, 0, 0, T0.AddSeconds(10), T0.AddSeconds(11), [1]);

        var verdicts = RpoVerdicts.Judge(new RpoHypothesis(20, TimeSpan.FromHours(1)), rpo).ToList();

        verdicts.Select(v => (v.Hypothesis, v.Status)).Should().Equal(
            ("RPO: at most 20 acknowledged writes lost", VerdictStatus.Failed),
            ("RPO: data-loss window at most 3600.0 s", VerdictStatus.Passed));
    }

    [Fact]
    public void Nothing_lost_is_a_zero_window_and_nothing_checked_or_no_reconciliation_is_inconclusive()
    {
        var hypothesis = new RpoHypothesis(0, TimeSpan.Zero);

        RpoVerdicts.Judge(hypothesis, new RpoResult(300, 0, 0, 0, 0, null, null, [])).Should().OnlyContain(v => v.Status == VerdictStatus.Passed);
        RpoVerdicts.Judge(hypothesis, new RpoResult(0, 0, 0, 0, 0, null, null, [])).Should().OnlyContain(v => v.Status == VerdictStatus.Inconclusive);
        RpoVerdicts.Judge(hypothesis, null).Should().HaveCount(2).And.OnlyContain(v => v.Status == VerdictStatus.Inconclusive);
    }
}
