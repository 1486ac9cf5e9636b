using System.Globalization;
using System.Text.RegularExpressions;
using Reliability.Load.Engine;
using Reliability.Load.Measurement;

namespace Reliability.Load.Thresholds;

/// <summary>
/// A k6-style pass/fail criterion on the scenario or one of its steps, written as text:
/// <c>fail_rate &lt; 1%</c>, <c>p95 &lt; 500ms</c>, <c>step:create-task p99 &lt;= 1s</c>, <c>rps &gt;= 100</c>, <c>dropped == 0</c>.
/// Metrics: fail_rate, count, rps, dropped, min, mean, max, p50, p75, p90, p95, p99, p99.9.
/// </summary>
public sealed partial record Threshold(string Expression, string? Step, string Metric, string Operator, double Value, bool AbortOnFail = false)
{
    private static readonly HashSet<string> Metrics = ["fail_rate", "count", "rps", "dropped", "min", "mean", "max", "p50", "p75", "p90", "p95", "p99", "p99.9"];

    public static Threshold Parse(string expression, bool abortOnFail = false)
    {
        var match = Grammar().Match(expression.Trim());
        if (!match.Success)
        {
            throw new FormatException($"threshold '{expression}' is not of the form '[step:<name>] <metric> <op> <value>'");
        }
        var metric = match.Groups["metric"].Value;
        if (!Metrics.Contains(metric))
        {
            throw new FormatException($"threshold '{expression}': unknown metric '{metric}' (one of {string.Join(", ", Metrics)})");
        }
        var step = match.Groups["step"].Success ? match.Groups["step"].Value : null;
        if (step is not null && metric == "dropped")
        {
            throw new FormatException($"threshold '{expression}': dropped arrivals belong to the scenario, not to a step");
        }
        return new Threshold(expression.Trim(), step, metric, match.Groups["op"].Value, ParseValue(match.Groups["value"].Value, metric, expression), abortOnFail);
    }

    public ThresholdVerdict Evaluate(RunMeasurements measurements, TimeSpan measuredFor)
    {
        var stats = Step is null ? measurements.Scenario : measurements.Steps.GetValueOrDefault(Step);
        if (stats is null || (stats.Count == 0 && Metric is not ("dropped" or "count")))
        {
            return new ThresholdVerdict(this, null, false, Step is null ? "no iteration was measured" : $"step '{Step}' never ran");
        }
        return Compare(Measure(stats, measurements.Dropped, measuredFor));
    }

    /// <summary>Evaluates the threshold over one window's outcomes (a phase of an experiment); step thresholds do not apply.</summary>
    public ThresholdVerdict Evaluate(OutcomeStats stats, TimeSpan window)
    {
        if (Step is not null)
        {
            return new ThresholdVerdict(this, null, false, "a window holds whole iterations, not steps");
        }
        if (stats.Count == 0 && Metric is not ("dropped" or "count"))
        {
            return new ThresholdVerdict(this, null, false, "no iteration was measured in the window");
        }
        return Compare(Measure(stats, 0, window));
    }

    private ThresholdVerdict Compare(double measured)
    {
        var passed = Operator switch
        {
            "<" => measured < Value,
            "<=" => measured <= Value,
            ">" => measured > Value,
            ">=" => measured >= Value,
            _ => Math.Abs(measured - Value) < 1e-9,
        };
        return new ThresholdVerdict(this, measured, passed, null);
    }

    private double Measure(OutcomeStats stats, long dropped, TimeSpan measuredFor) => Metric switch
    {
        "fail_rate" => stats.Count == 0 ? 0 : (double)stats.Failed / stats.Count,
        "count" => stats.Count,
        "rps" => measuredFor <= TimeSpan.Zero ? 0 : stats.Count / measuredFor.TotalSeconds,
        "dropped" => dropped,
        "min" => stats.Latency.Min.TotalMilliseconds,
        "mean" => stats.Latency.Mean.TotalMilliseconds,
        "max" => stats.Latency.Max.TotalMilliseconds,
        _ => stats.Latency.Percentile(double.Parse(Metric[1..], CultureInfo.InvariantCulture)).TotalMilliseconds,
    };

    /// <summary>Latencies are compared in milliseconds, rates as fractions.</summary>
    private static double ParseValue(string text, string metric, string expression)
    {
        var unit = Unit().Match(text);
        var number = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
        return unit.Groups[2].Value switch
        {
            "%" when metric == "fail_rate" => number / 100,
            "ms" or "" when metric is not "fail_rate" and not "count" and not "rps" and not "dropped" => number,
            "s" when metric is not "fail_rate" and not "count" and not "rps" and not "dropped" => number * 1000,
            "" => number,
            _ => throw new FormatException($"threshold '{expression}': unit '{unit.Groups[2].Value}' does not suit {metric}"),
        };
    }

    [GeneratedRegex(@"^(?:step:(?<step>\S+)\s+)?(?<metric>[a-z_]+|p\d+(?:\.\d+)?)\s*(?<op><=|>=|==|<|>)\s*(?<value>\d+(?:\.\d+)?\s*(?:ms|s|%)?)$")]
    private static partial Regex Grammar();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|%)?$")]
    private static partial Regex Unit();
}

/// <summary>A threshold's outcome: the measured value (ms for latencies, a fraction for fail_rate), or why there is none.</summary>
public sealed record ThresholdVerdict(Threshold Threshold, double? Measured, bool Passed, string? Problem);
