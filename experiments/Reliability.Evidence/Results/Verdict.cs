using System.Globalization;

namespace Reliability.Evidence.Results;

internal enum VerdictStatus { Passed, Failed, Inconclusive }

/// <summary>
/// One hypothesis judged: what was claimed, the measured value against the threshold, and the evidence.
/// Inconclusive means it could not be observed (no data, a source down): never a pass.
/// </summary>
internal sealed record Verdict(string Hypothesis, string Kind, VerdictStatus Status, string? Measured, string Threshold, string Evidence)
{
    public static string Format(string metric, double? value) => value switch
    {
        null => "n/a",
        { } v when metric == "fail_rate" => (v * 100).ToString("0.###", CultureInfo.InvariantCulture) + " %",
        { } v when metric is "count" or "rps" or "dropped" => v.ToString("0.##", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.#", CultureInfo.InvariantCulture) + " ms",
    };

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>A deadline as written: "15m", "90s".</summary>
    public static string Deadline(TimeSpan value) => value.TotalSeconds >= 60 && value.TotalSeconds % 60 == 0
        ? $"{value.TotalMinutes:0}m" : $"{value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s";
}
