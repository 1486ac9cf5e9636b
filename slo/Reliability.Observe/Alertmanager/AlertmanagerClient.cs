using System.Text.Json;

namespace Reliability.Observe.Alertmanager;

/// <summary>An alert as Alertmanager holds it (API v2): its labels, when it started, and whether it is active, silenced or inhibited.</summary>
internal sealed record AlertmanagerAlert(IReadOnlyDictionary<string, string> Labels, DateTimeOffset StartsAt, string State, IReadOnlyList<string> Receivers)
{
    public string Name => Labels.GetValueOrDefault("alertname", "");
}

/// <summary>Alertmanager's v2 API over HttpClient: the alerts it currently holds (GET /api/v2/alerts).</summary>
internal sealed class AlertmanagerClient(HttpClient http)
{
    public async Task<IReadOnlyList<AlertmanagerAlert>> AlertsAsync(CancellationToken ct = default)
    {
        using var response = await http.GetAsync("api/v2/alerts", ct);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        return document.RootElement.EnumerateArray().Select(a => new AlertmanagerAlert(
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            a.GetProperty("startsAt").GetDateTimeOffset(),
            a.GetProperty("status").GetProperty("state").GetString() ?? "",
            a.TryGetProperty("receivers", out var receivers) ? [.. receivers.EnumerateArray().Select(r => r.GetProperty("name").GetString() ?? "")] : [])).ToList();
    }
}
