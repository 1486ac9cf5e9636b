using Reliability.Load.Thresholds;

namespace Reliability.Load.Tests.Thresholds;

public sealed class ThresholdTests
{
    [Theory]
    [InlineData("fail_rate < 1%", null, "fail_rate", "<", 0.01)]
    [InlineData("p95 < 500ms", null, "p95", "<", 500)]
    [InlineData("p99 <= 1s", null, "p99", "<=", 1000)]
    [InlineData("p99.9 < 2s", null, "p99.9", "<", 2000)]
    [InlineData("rps >= 100", null, "rps", ">=", 100)]
    [InlineData("step:create-task p95 < 300", "create-task", "p95", "<", 300)]
    [InlineData("dropped == 0", null, "dropped", "==", 0)]
    public void Expressions_parse_into_metric_operator_and_value(string text, string? step, string metric, string op, double value)
    {
        var t = Threshold.Parse(text);
        (t.Step, t.Metric, t.Operator, t.Value).Should().Be((step, metric, op, value));
    }

    [Theory]
    [InlineData("p95 500ms")]
    [InlineData("latency < 5ms")]
    [InlineData("fail_rate < 5ms")]
    [InlineData("rps > 10%")]
    public void Malformed_expressions_are_refused_with_the_text(string text)
    {
        var act = () => Threshold.Parse(text);
        act.Should().Throw<FormatException>().WithMessage($"*{text}*");
    }
}
