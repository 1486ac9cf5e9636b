using System.Globalization;
using System.Text.Json;

namespace Reliability.Observe.Prometheus;

internal sealed record Sample(IReadOnlyDictionary<string, string> Labels, DateTimeOffset At, double Value);

internal sealed record Point(DateTimeOffset At, double Value);

internal sealed record Series(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<Point> Values);

/// <summary>Reads the "data" of a query answer: vector, matrix or scalar; sample values are strings, including NaN and ±Inf.</summary>
internal static class PrometheusResult
{
    public static IReadOnlyList<Series> Parse(JsonElement data)
    {
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        return type switch
        {
            "vector" => result.EnumerateArray().Select(s => new Series(Labels(s), [Value(s.GetProperty("value"))])).ToList(),
            "matrix" => result.EnumerateArray().Select(s => new Series(Labels(s), s.GetProperty("values").EnumerateArray().Select(Value).ToList())).ToList(),
            "scalar" => [new Series(new Dictionary<string, string>(), [Value(result)])],
            _ => [],
        };
    }

    public static double Number(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        null => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string> Labels(JsonElement sample) =>
        sample.TryGetProperty("metric", out var metric)
            ? metric.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : [];

    private static Point Value(JsonElement pair) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds((long)(pair[0].GetDouble() * 1000)), Number(pair[1].GetString()));
}
