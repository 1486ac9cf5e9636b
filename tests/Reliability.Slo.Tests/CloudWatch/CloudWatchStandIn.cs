using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliability.Slo.CloudWatch;
using Reliability.Observe.CloudWatch;

namespace Reliability.Slo.Tests.CloudWatch;

/// <summary>
/// AWS CloudWatch cannot be reached from here, so clients are tested against this stand-in. It speaks the
/// AWS JSON 1.0 protocol as CloudWatch does: POST / with Content-Type application/x-amz-json-1.0 and
/// X-Amz-Target GraniteServiceVersion20100801.&lt;Operation&gt;; it verifies every request's SigV4
/// signature (service "monitoring") and session token, answering 403 SignatureDoesNotMatch otherwise, and
/// returns the documented response shapes, with epoch-second timestamps and NextToken pagination.
/// </summary>
internal sealed class CloudWatchStandIn : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;

    public record Call(string Target, JsonObject Body, string? Token);

    public ConcurrentQueue<Call> Calls { get; } = new();
    public Uri Address { get; private set; } = null!;
    public string? ExpectedToken { get; set; }

    /// <summary>
    /// When set, GetMetricData serves this metric data (by metric name, per period start; null: no datapoint)
    /// for every period of the requested range, 5,000 datapoints a page.
    /// </summary>
    public Func<string, DateTimeOffset, double?>? Data { get; set; }

    private CloudWatchStandIn(WebApplication app) => _app = app;

    public static async Task<CloudWatchStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new CloudWatchStandIn(app);
        app.MapPost("/", (Delegate)standIn.HandleAsync);
        await app.StartAsync();
        standIn.Address = new Uri(app.Urls.First() + "/");
        return standIn;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (context.Request.ContentType?.Split(';')[0] != "application/x-amz-json-1.0")
        {
            return Error(400, "SerializationException", $"unexpected content type {context.Request.ContentType}");
        }
        if (Verify(context.Request, body) is { } problem)
        {
            return Error(403, "SignatureDoesNotMatch", problem);
        }
        var token = context.Request.Headers["X-Amz-Security-Token"].FirstOrDefault();
        if (ExpectedToken is not null && token != ExpectedToken)
        {
            return Error(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        var target = context.Request.Headers["X-Amz-Target"].FirstOrDefault() ?? "";
        var request = JsonNode.Parse(body)!.AsObject();
        Calls.Enqueue(new Call(target, request, token));
        return target switch
        {
            "GraniteServiceVersion20100801.GetMetricData" => Results.Content(GetMetricData(request).ToJsonString(), "application/x-amz-json-1.0"),
            "GraniteServiceVersion20100801.DescribeAlarms" => Results.Content(DescribeAlarms().ToJsonString(), "application/x-amz-json-1.0"),
            "GraniteServiceVersion20100801.DescribeAlarmHistory" => Results.Content(DescribeAlarmHistory(request).ToJsonString(), "application/x-amz-json-1.0"),
            _ => Error(400, "UnknownOperationException", $"unknown operation {target}"),
        };
    }

    /// <summary>Recomputes the signature from the request as received; null when it matches.</summary>
    private static string? Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.FirstOrDefault() ?? "";
        if (!authorization.StartsWith(SigV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            return "missing or non-SigV4 Authorization";
        }
        var parts = authorization[(SigV4Signer.Algorithm.Length + 1)..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var scope = parts["Credential"].Split('/');
        if (scope[0] != AccessKey || scope[2] != Region || scope[3] != "monitoring")
        {
            return $"unexpected credential scope {parts["Credential"]}";
        }
        var signed = parts["SignedHeaders"].Split(';');
        var headers = signed.ToDictionary(h => h, h => h == "host" ? request.Host.Value! : string.Join(",", request.Headers[h].ToArray()));
        var amzDate = request.Headers["X-Amz-Date"].FirstOrDefault() ?? "";
        var uri = new Uri($"http://{request.Host}{request.Path}{request.QueryString}");
        var expected = SigV4Signer.Signature(request.Method, uri, headers, signed, SigV4Signer.Hex(SHA256.HashData(body)), amzDate, SecretKey, Region, "monitoring");
        return expected == parts["Signature"] ? null : "The request signature we calculated does not match the signature you provided.";
    }

    private JsonObject GetMetricData(JsonObject request) => Data is null ? CannedMetricData(request) : GeneratedMetricData(request, Data);

    private static JsonObject GeneratedMetricData(JsonObject request, Func<string, DateTimeOffset, double?> data)
    {
        var start = request["StartTime"]!.GetValue<long>();
        var end = request["EndTime"]!.GetValue<long>();
        var points = new List<(string Id, long At, double Value)>();
        foreach (var query in request["MetricDataQueries"]!.AsArray())
        {
            var stat = query!["MetricStat"]!;
            var period = stat["Period"]!.GetValue<int>();
            for (var t = start / period * period; t < end; t += period)
            {
                if (data(stat["Metric"]!["MetricName"]!.GetValue<string>(), DateTimeOffset.FromUnixTimeSeconds(t)) is { } value)
                {
                    points.Add((query["Id"]!.GetValue<string>(), t, value));
                }
            }
        }
        var offset = request["NextToken"] is { } token ? int.Parse(token.GetValue<string>()[7..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var page = points.Skip(offset).Take(5000).ToList();
        var results = new JsonArray([.. page.GroupBy(p => p.Id).Select(g => (JsonNode)new JsonObject
        {
            ["Id"] = g.Key,
            ["Timestamps"] = new JsonArray([.. g.Select(p => (JsonNode)p.At)]),
            ["Values"] = new JsonArray([.. g.Select(p => (JsonNode)p.Value)]),
            ["StatusCode"] = offset + page.Count < points.Count ? "PartialData" : "Complete",
        })]);
        var answer = new JsonObject { ["MetricDataResults"] = results, ["Messages"] = new JsonArray() };
        if (offset + page.Count < points.Count)
        {
            answer["NextToken"] = $"offset:{offset + page.Count}";
        }
        return answer;
    }

    private static JsonObject CannedMetricData(JsonObject request)
    {
        var ids = request["MetricDataQueries"]!.AsArray().Select(q => q!["Id"]!.GetValue<string>()).ToList();
        var secondPage = request["NextToken"]?.GetValue<string>() == "page-2";
        JsonObject Result(string id, int from, int count) => new()
        {
            ["Id"] = id,
            ["Label"] = id,
            ["Timestamps"] = new JsonArray([.. Enumerable.Range(from, count).Select(i => (JsonNode)(T0.ToUnixTimeSeconds() + 60 * i))]),
            ["Values"] = new JsonArray([.. Enumerable.Range(from, count).Select(i => (JsonNode)(double)(i + 1))]),
            ["StatusCode"] = secondPage ? "Complete" : "PartialData",
        };
        var page = new JsonObject { ["MetricDataResults"] = new JsonArray([.. ids.Select(id => (JsonNode)Result(id, secondPage ? 2 : 0, secondPage ? 1 : 2))]), ["Messages"] = new JsonArray() };
        if (!secondPage)
        {
            page["NextToken"] = "page-2";
        }
        return page;
    }

    private static JsonObject DescribeAlarms() => new()
    {
        ["MetricAlarms"] = new JsonArray(new JsonObject
        {
            ["AlarmName"] = "task-manager-alb-5xx",
            ["StateValue"] = "ALARM",
            ["StateUpdatedTimestamp"] = T0.ToUnixTimeSeconds() + 120.5,
            ["Namespace"] = "AWS/ApplicationELB",
            ["MetricName"] = "HTTPCode_Target_5XX_Count",
            ["Threshold"] = 10.0,
            ["ComparisonOperator"] = "GreaterThanThreshold",
        }),
        ["CompositeAlarms"] = new JsonArray(),
    };

    private static JsonObject DescribeAlarmHistory(JsonObject request)
    {
        JsonObject Item(int minute, string from, string to) => new()
        {
            ["AlarmName"] = request["AlarmName"]!.GetValue<string>(),
            ["AlarmType"] = "MetricAlarm",
            ["Timestamp"] = T0.ToUnixTimeSeconds() + 60 * minute,
            ["HistoryItemType"] = "StateUpdate",
            ["HistorySummary"] = $"Alarm updated from {from} to {to}",
            ["HistoryData"] = new JsonObject
            {
                ["version"] = "1.0",
                ["oldState"] = new JsonObject { ["stateValue"] = from, ["stateReason"] = "Threshold Crossed" },
                ["newState"] = new JsonObject { ["stateValue"] = to, ["stateReason"] = "Threshold Crossed" },
            }.ToJsonString(),
        };
        // Newest first, as CloudWatch answers by default.
        return new JsonObject { ["AlarmHistoryItems"] = new JsonArray(Item(9, "ALARM", "OK"), Item(3, "OK", "ALARM")) };
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Content(new JsonObject { ["__type"] = $"com.amazon.coral.service#{code}", ["message"] = message }.ToJsonString(), "application/x-amz-json-1.0", statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
