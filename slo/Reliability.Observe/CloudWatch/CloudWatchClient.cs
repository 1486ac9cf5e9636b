using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Polly;
using Polly.Retry;

namespace Reliability.Observe.CloudWatch;

/// <summary>
/// CloudWatch over HttpClient with the AWS JSON 1.0 protocol (POST /, X-Amz-Target:
/// GraniteServiceVersion20100801.&lt;Operation&gt;), SigV4-signed for the "monitoring" service. JSON 1.0
/// rather than Query: typed JSON both ways, numbers and epoch-second timestamps without XML parsing,
/// and the protocol the AWS SDKs themselves speak to CloudWatch. Throttling and 5xx are retried.
/// </summary>
internal sealed class CloudWatchClient : ICloudWatchClient
{
    private const string TargetPrefix = "GraniteServiceVersion20100801.";
    private readonly HttpClient _http;
    private readonly Func<CancellationToken, Task<AwsCredentials>> _credentials;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;

    public CloudWatchClient(HttpClient http, Func<CancellationToken, Task<AwsCredentials>> credentials, string region, TimeProvider time, int retries = 2)
    {
        _http = http;
        _credentials = credentials;
        _region = region;
        _time = time;
        _retry = retries == 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = retries,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>()
                .Handle<CloudWatchException>(e => e.Status >= 500 || e.Code is "Throttling" or "ThrottlingException"),
        }).Build();
    }

    /// <summary>
    /// Credentials and region the way the AWS SDK finds them (environment, profiles, container and instance
    /// metadata; AWS_REGION and the profile's region), through AWSSDK.Core. <paramref name="endpoint"/> overrides
    /// https://monitoring.{region}.amazonaws.com/ (a VPC endpoint, or a local stand-in).
    /// </summary>
    public static CloudWatchClient FromEnvironment(HttpClient http, TimeProvider time, Uri? endpoint = null)
    {
        var region = FallbackRegionFactory.GetRegionEndpoint()?.SystemName
            ?? throw new InvalidOperationException("no AWS region configured (set AWS_REGION or a profile region)");
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        http.BaseAddress ??= endpoint ?? new Uri($"https://monitoring.{region}.amazonaws.com/");
        return new CloudWatchClient(http, async ct =>
        {
            var c = await credentials.GetCredentialsAsync();
            return new AwsCredentials(c.AccessKey, c.SecretKey, c.UseToken ? c.Token : null);
        }, region, time);
    }

    public async Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(IReadOnlyList<MetricDataQuery> queries, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default)
    {
        var merged = new Dictionary<string, (string? Label, List<(DateTimeOffset, double)> Points, string Status)>();
        string? next = null;
        var pages = 0;
        do
        {
            var body = new JsonObject
            {
                ["MetricDataQueries"] = new JsonArray([.. queries.Select(Query)]),
                ["StartTime"] = start.ToUnixTimeSeconds(),
                ["EndTime"] = end.ToUnixTimeSeconds(),
                ["ScanBy"] = "TimestampAscending",
            };
            if (next is not null)
            {
                body["NextToken"] = next;
            }
            var page = await SendAsync("GetMetricData", body, ct);
            foreach (var result in page["MetricDataResults"]?.AsArray() ?? [])
            {
                var id = result!["Id"]!.GetValue<string>();
                var timestamps = result["Timestamps"]?.AsArray().Select(t => DateTimeOffset.FromUnixTimeMilliseconds((long)(t!.GetValue<double>() * 1000))).ToList() ?? [];
                var values = result["Values"]?.AsArray().Select(v => v!.GetValue<double>()).ToList() ?? [];
                if (!merged.TryGetValue(id, out var entry))
                {
                    merged[id] = entry = (result["Label"]?.GetValue<string>(), [], "");
                }
                entry.Points.AddRange(timestamps.Zip(values));
                merged[id] = entry with { Status = result["StatusCode"]?.GetValue<string>() ?? "" };
            }
            next = page["NextToken"]?.GetValue<string>();
        }
        while (next is not null && ++pages < 100);
        return [.. merged.Select(m => new MetricDataResult(m.Key, m.Value.Label, [.. m.Value.Points.OrderBy(p => p.Item1)], m.Value.Status))];
    }

    public async Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsAsync(IReadOnlyList<string>? alarmNames = null, string? namePrefix = null, CancellationToken ct = default)
    {
        var alarms = new List<MetricAlarm>();
        string? next = null;
        var pages = 0;
        do
        {
            var body = new JsonObject { ["AlarmTypes"] = new JsonArray("MetricAlarm") };
            if (alarmNames is { Count: > 0 })
            {
                body["AlarmNames"] = new JsonArray([.. alarmNames.Select(n => (JsonNode)n)]);
            }
            if (namePrefix is not null)
            {
                body["AlarmNamePrefix"] = namePrefix;
            }
            if (next is not null)
            {
                body["NextToken"] = next;
            }
            var page = await SendAsync("DescribeAlarms", body, ct);
            alarms.AddRange((page["MetricAlarms"]?.AsArray() ?? []).Select(a => new MetricAlarm(
                a!["AlarmName"]!.GetValue<string>(), a["StateValue"]?.GetValue<string>() ?? "",
                a["StateUpdatedTimestamp"] is JsonValue t ? DateTimeOffset.FromUnixTimeMilliseconds((long)(t.GetValue<double>() * 1000)) : null,
                a["Namespace"]?.GetValue<string>(), a["MetricName"]?.GetValue<string>(), a["Threshold"]?.GetValue<double>(), a["ComparisonOperator"]?.GetValue<string>())));
            next = page["NextToken"]?.GetValue<string>();
        }
        while (next is not null && ++pages < 100);
        return alarms;
    }

    public async Task<IReadOnlyList<AlarmStateChange>> DescribeAlarmHistoryAsync(string alarmName, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default)
    {
        var changes = new List<AlarmStateChange>();
        string? next = null;
        var pages = 0;
        do
        {
            var body = new JsonObject
            {
                ["AlarmName"] = alarmName,
                ["HistoryItemType"] = "StateUpdate",
                ["StartDate"] = start.ToUnixTimeSeconds(),
                ["EndDate"] = end.ToUnixTimeSeconds(),
                ["ScanBy"] = "TimestampAscending",
            };
            if (next is not null)
            {
                body["NextToken"] = next;
            }
            var page = await SendAsync("DescribeAlarmHistory", body, ct);
            foreach (var item in page["AlarmHistoryItems"]?.AsArray() ?? [])
            {
                // HistoryData is a JSON document in a string: {"version":"1.0","oldState":{"stateValue":"OK",...},"newState":{...}}.
                var data = item!["HistoryData"]?.GetValue<string>() is { } text ? JsonNode.Parse(text) : null;
                changes.Add(new AlarmStateChange(item["AlarmName"]!.GetValue<string>(),
                    DateTimeOffset.FromUnixTimeMilliseconds((long)(item["Timestamp"]!.GetValue<double>() * 1000)),
                    item["HistorySummary"]?.GetValue<string>() ?? "",
                    data?["oldState"]?["stateValue"]?.GetValue<string>(), data?["newState"]?["stateValue"]?.GetValue<string>()));
            }
            next = page["NextToken"]?.GetValue<string>();
        }
        while (next is not null && ++pages < 100);
        return [.. changes.OrderBy(c => c.At)];
    }

    public async Task PutMetricDataAsync(string metricNamespace, IReadOnlyList<MetricDatum> data, CancellationToken ct = default)
    {
        foreach (var chunk in data.Chunk(1000))
        {
            var body = new JsonObject
            {
                ["Namespace"] = metricNamespace,
                ["MetricData"] = new JsonArray([.. chunk.Select(d => (JsonNode)Datum(d))]),
            };
            await SendAsync("PutMetricData", body, ct);
        }
    }

    public async Task PutMetricAlarmAsync(JsonObject alarm, CancellationToken ct = default) =>
        await SendAsync("PutMetricAlarm", (JsonObject)alarm.DeepClone(), ct);

    private static JsonObject Datum(MetricDatum d)
    {
        var datum = new JsonObject
        {
            ["MetricName"] = d.MetricName,
            ["Dimensions"] = new JsonArray([.. d.Dimensions.Select(x => (JsonNode)new JsonObject { ["Name"] = x.Name, ["Value"] = x.Value })]),
            ["Timestamp"] = d.Timestamp.ToUnixTimeMilliseconds() / 1000.0,
            ["Unit"] = d.Unit,
        };
        if (d.Values.Count == 1 && d.Counts[0] == 1)
        {
            datum["Value"] = d.Values[0];
        }
        else
        {
            datum["Values"] = new JsonArray([.. d.Values.Select(v => (JsonNode)v)]);
            datum["Counts"] = new JsonArray([.. d.Counts.Select(c => (JsonNode)c)]);
        }
        return datum;
    }

    private static JsonObject Query(MetricDataQuery q)
    {
        var query = new JsonObject { ["Id"] = q.Id, ["ReturnData"] = q.ReturnData };
        if (q.Label is not null)
        {
            query["Label"] = q.Label;
        }
        if (q.Expression is not null)
        {
            query["Expression"] = q.Expression;
        }
        if (q.MetricStat is { } stat)
        {
            query["MetricStat"] = new JsonObject
            {
                ["Metric"] = new JsonObject
                {
                    ["Namespace"] = stat.Namespace,
                    ["MetricName"] = stat.MetricName,
                    ["Dimensions"] = new JsonArray([.. stat.Dimensions.Select(d => (JsonNode)new JsonObject { ["Name"] = d.Name, ["Value"] = d.Value })]),
                },
                ["Period"] = stat.PeriodSeconds,
                ["Stat"] = stat.Stat,
            };
        }
        return query;
    }

    private async Task<JsonNode> SendAsync(string operation, JsonObject body, CancellationToken ct) =>
        await _retry.ExecuteAsync(async token =>
        {
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(bytes) };
            request.RequestUri = new Uri(_http.BaseAddress!, "/");
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
            SigV4Signer.Sign(request, bytes, await _credentials(token), _region, "monitoring", _time.GetUtcNow());
            using var response = await _http.SendAsync(request, token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode)
            {
                // JSON protocol errors: {"__type":"com.amazonaws...#InvalidParameterValue","message":"..."}.
                var error = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null;
                var type = error?["__type"]?.GetValue<string>() ?? response.StatusCode.ToString();
                throw new CloudWatchException(type[(type.LastIndexOf('#') + 1)..], error?["message"]?.GetValue<string>() ?? error?["Message"]?.GetValue<string>() ?? text, (int)response.StatusCode);
            }
            return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
        }, ct);
}
