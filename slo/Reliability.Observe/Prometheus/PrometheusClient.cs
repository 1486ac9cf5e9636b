using System.Globalization;
using System.Net;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace Reliability.Observe.Prometheus;

/// <summary>
/// Prometheus's HTTP API (v1) over HttpClient: instant and range queries, alerts and rules. Errors in
/// the response envelope become <see cref="PrometheusException"/> with Prometheus's errorType; only
/// transient failures (connection errors, timeouts, 502/503/504) are retried.
/// </summary>
internal sealed class PrometheusClient
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _retry;

    public PrometheusClient(HttpClient http, int retries = 2)
    {
        _http = http;
        _retry = retries == 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = retries,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutException>()
                .Handle<PrometheusException>(e => e.Transient),
        }).Build();
    }

    public Uri? BaseAddress => _http.BaseAddress;

    /// <summary>Raised for every warning in a successful answer (e.g. a query that hit partial data): evidence, not an error.</summary>
    public event Action<string>? WarningReceived;

    public async Task<IReadOnlyList<Sample>> QueryAsync(string promql, DateTimeOffset? at = null, CancellationToken ct = default)
    {
        var query = $"api/v1/query?query={Uri.EscapeDataString(promql)}" + (at is { } t ? $"&time={Seconds(t)}" : "");
        var data = await GetAsync(query, ct);
        return PrometheusResult.Parse(data).SelectMany(s => s.Values.Take(1).Select(v => new Sample(s.Labels, v.At, v.Value))).ToList();
    }

    public async Task<IReadOnlyList<Series>> QueryRangeAsync(string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken ct = default)
    {
        var data = await GetAsync($"api/v1/query_range?query={Uri.EscapeDataString(promql)}&start={Seconds(start)}&end={Seconds(end)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", ct);
        return PrometheusResult.Parse(data);
    }

    /// <summary>Alerts that are pending or firing now.</summary>
    public async Task<IReadOnlyList<PrometheusAlert>> AlertsAsync(CancellationToken ct = default)
    {
        var data = await GetAsync("api/v1/alerts", ct);
        return data.GetProperty("alerts").EnumerateArray().Select(a => new PrometheusAlert(
            a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            a.GetProperty("state").GetString() ?? "",
            a.TryGetProperty("activeAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null,
            a.TryGetProperty("value", out var v) ? PrometheusResult.Number(v.GetString()) : double.NaN)).ToList();
    }

    /// <summary>The names of every alerting rule loaded.</summary>
    public async Task<IReadOnlyList<string>> AlertRuleNamesAsync(CancellationToken ct = default)
    {
        var data = await GetAsync("api/v1/rules?type=alert", ct);
        return data.GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Select(r => r.GetProperty("name").GetString() ?? "").ToList();
    }

    private async Task<JsonElement> GetAsync(string relative, CancellationToken ct) =>
        await _retry.ExecuteAsync(async token =>
        {
            using var response = await _http.GetAsync(relative, token);
            var body = await response.Content.ReadAsStringAsync(token);
            JsonElement envelope;
            try
            {
                envelope = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw new PrometheusException("bad_response", $"HTTP {(int)response.StatusCode}: not a Prometheus response", Transient(response.StatusCode));
            }
            if (envelope.GetProperty("status").GetString() != "success")
            {
                throw new PrometheusException(envelope.TryGetProperty("errorType", out var type) ? type.GetString() ?? "" : "",
                    envelope.TryGetProperty("error", out var error) ? error.GetString() ?? "" : "", Transient(response.StatusCode));
            }
            if (envelope.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array)
            {
                foreach (var warning in warnings.EnumerateArray())
                {
                    WarningReceived?.Invoke(warning.GetString() ?? "");
                }
            }
            return envelope.GetProperty("data").Clone();
        }, ct);

    private static bool Transient(HttpStatusCode status) => status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}

internal sealed class PrometheusException(string errorType, string message, bool transient)
    : Exception($"Prometheus {errorType}: {message}")
{
    public string ErrorType { get; } = errorType;
    public bool Transient { get; } = transient;
}

internal sealed record PrometheusAlert(IReadOnlyDictionary<string, string> Labels, string State, DateTimeOffset? ActiveAt, double Value)
{
    public string Name => Labels.GetValueOrDefault("alertname", "");
}
