using System.Globalization;
using System.Text.Json;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// Client-side and server-side availability of each phase, read from a run's journal, compared within
/// sampling error: both count requests (the client its steps, the edge what it answered), so they differ by
/// chance and by the second at each phase boundary, nothing else.
/// </summary>
internal static class EdgeAgreement
{
    /// <summary>Each phase's (client %, server %, requests) and whether they agree: |Δ| within 3 standard errors plus one point for the boundaries.</summary>
    public static IReadOnlyList<(string Phase, double Client, double Server, long Requests, bool Agree)> Of(string journalPath)
    {
        var client = new Dictionary<string, (double Percent, long Requests)>();
        var server = new Dictionary<string, double>();
        foreach (var line in File.ReadLines(journalPath))
        {
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            if (e.GetProperty("type").GetString() != "sli")
            {
                continue;
            }
            var phase = e.GetProperty("phase").ToString();
            if (e.GetProperty("source").GetString() == "client" && e.TryGetProperty("requests", out var n) && n.ValueKind == JsonValueKind.Number)
            {
                client[phase] = (e.GetProperty("successPercent").GetDouble(), n.GetInt64());
            }
            else if (e.GetProperty("source").GetString() == "server" && e.GetProperty("slo").GetString() == "requests-availability"
                && e.TryGetProperty("goodPercent", out var good) && good.ValueKind == JsonValueKind.Number)
            {
                server[phase] = good.GetDouble();
            }
        }
        return [.. client.Where(c => server.ContainsKey(c.Key)).Select(c =>
        {
            var p = c.Value.Percent / 100;
            var standardError = Math.Sqrt(Math.Max(p * (1 - p), 0.0001) / Math.Max(1, c.Value.Requests)) * 100;
            var agree = Math.Abs(c.Value.Percent - server[c.Key]) <= 3 * standardError + 1;
            return (c.Key, c.Value.Percent, server[c.Key], c.Value.Requests, agree);
        })];
    }

    public static string Describe(IEnumerable<(string Phase, double Client, double Server, long Requests, bool Agree)> phases) =>
        string.Join("; ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase}: client {p.Client:0.##} % of {p.Requests}, edge {p.Server:0.##} %{(p.Agree ? "" : " DISAGREE")}")));
}
