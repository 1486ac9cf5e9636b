using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Reliability.Sut.Local.Monitoring;

/// <summary>Prometheus duration strings ("1h30m", "5m", "250ms") to and from TimeSpan.</summary>
internal static partial class PromDuration
{
    public static TimeSpan Parse(string text)
    {
        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            throw new FormatException($"'{text}' is not a Prometheus duration");
        }
        var total = TimeSpan.Zero;
        foreach (Match match in matches)
        {
            var n = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            total += match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        }
        return total;
    }

    public static string Format(TimeSpan value)
    {
        var ms = (long)Math.Round(value.TotalMilliseconds);
        if (ms == 0)
        {
            return "0s";
        }
        var text = new StringBuilder();
        foreach (var (unit, size) in new[] { ("h", 3_600_000L), ("m", 60_000L), ("s", 1000L), ("ms", 1L) })
        {
            if (ms >= size)
            {
                text.Append(CultureInfo.InvariantCulture, $"{ms / size}{unit}");
                ms %= size;
            }
        }
        return text.ToString();
    }

    [GeneratedRegex(@"(\d+)(ms|s|m|h|d|w|y)")]
    private static partial Regex Part();
}
