using System.Globalization;
using System.Text.RegularExpressions;

namespace Reliability.Load.Simulations;

/// <summary>Durations as people write them on a command line or in YAML: "500ms", "30s", "2m", "1m30s", "1h".</summary>
internal static partial class DurationText
{
    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim();
        var parts = Part().Matches(trimmed);
        if (parts.Count == 0 || string.Concat(parts.Select(p => p.Value)) != trimmed)
        {
            throw new FormatException($"'{text}' is not a duration (examples: 500ms, 30s, 2m, 1m30s)");
        }
        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        return total;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex Part();
}
