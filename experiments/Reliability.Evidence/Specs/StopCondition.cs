using System.Text.RegularExpressions;
using Reliability.Load.Thresholds;

namespace Reliability.Evidence.Specs;

/// <summary>
/// An abort rule in the manner of AWS FIS stop conditions: while the fault is active, when the
/// client-side measure over the last <see cref="For"/> meets the condition (e.g. "fail_rate > 50% for 10s"),
/// the fault is rolled back at once and the experiment is marked stopped.
/// </summary>
internal sealed partial record StopCondition(string Expression, Threshold Condition, TimeSpan For)
{
    public static StopCondition Parse(string text)
    {
        var match = Grammar().Match(text.Trim());
        if (!match.Success)
        {
            throw new FormatException($"stop condition '{text}' is not of the form '<metric> <op> <value> for <duration>', e.g. 'fail_rate > 50% for 10s'");
        }
        var threshold = Threshold.Parse(match.Groups["condition"].Value);
        if (threshold.Step is not null)
        {
            throw new FormatException($"stop condition '{text}': conditions apply to the whole scenario, not to a step");
        }
        var window = Reliability.Load.Simulations.DurationText.Parse(match.Groups["for"].Value);
        if (window < TimeSpan.FromSeconds(1))
        {
            throw new FormatException($"stop condition '{text}': the window must be at least 1s");
        }
        return new StopCondition(text.Trim(), threshold, window);
    }

    [GeneratedRegex(@"^(?<condition>.+?)\s+for\s+(?<for>\S+)$")]
    private static partial Regex Grammar();
}
