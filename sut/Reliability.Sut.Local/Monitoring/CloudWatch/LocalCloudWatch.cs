using System.Text.Json.Nodes;
using Reliability.Observe.CloudWatch;
using Reliability.Sut.Local.Balancing;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// CloudWatch in the embedded environment: the stand-in endpoint, the shipped alarms (sut/deploy/aws/alarms)
/// put to it with their periods compressed like the Prometheus rules (60 s becomes 2 s at 1/30), and the
/// balancer publishing its ALB metrics to it every second, all through the signed wire protocol.
/// </summary>
internal sealed class LocalCloudWatch : IAsyncDisposable
{
    private readonly HttpClient _http;
    private AlbMetricsPublisher? _publisher;

    private LocalCloudWatch(CloudWatchStandIn endpoint, HttpClient http, CloudWatchClient client)
    {
        Endpoint = endpoint;
        _http = http;
        Client = client;
    }

    public CloudWatchStandIn Endpoint { get; }
    /// <summary>A client signed with the endpoint's key pair.</summary>
    public ICloudWatchClient Client { get; }
    /// <summary>The alarms applied at start, by name.</summary>
    public IReadOnlyList<string> AlarmNames { get; private set; } = [];

    public static async Task<LocalCloudWatch> StartAsync(LoadBalancer balancer, MonitoringTimings timings, TimeProvider time, CancellationToken ct)
    {
        var endpoint = await CloudWatchStandIn.StartAsync(time, ct: ct);
        var http = new HttpClient { BaseAddress = endpoint.Address, Timeout = TimeSpan.FromSeconds(10) };
        var local = new LocalCloudWatch(endpoint, http, new CloudWatchClient(http, _ => Task.FromResult(endpoint.Credentials), endpoint.Region, time));
        try
        {
            var names = new List<string>();
            foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "deploy", "aws", "alarms"), "*.json").Order(StringComparer.Ordinal))
            {
                var alarm = JsonNode.Parse(await File.ReadAllTextAsync(file, ct))!.AsObject();
                await local.Client.PutMetricAlarmAsync(Compress(alarm, timings.RuleTimeScale), ct);
                names.Add(alarm["AlarmName"]!.GetValue<string>());
            }
            local.AlarmNames = names;
            local._publisher = new AlbMetricsPublisher(balancer, local.Client, time);
            return local;
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every Period of the alarm (its own and its queries') multiplied by the time scale, never below 1 s.</summary>
    internal static JsonObject Compress(JsonObject alarm, double scale)
    {
        var compressed = (JsonObject)alarm.DeepClone();
        void Scale(JsonObject? holder)
        {
            if (holder?["Period"] is JsonValue period)
            {
                holder["Period"] = Math.Max(1, (int)Math.Round(period.GetValue<double>() * scale));
            }
        }
        Scale(compressed);
        foreach (var metric in compressed["Metrics"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            Scale(metric);
            Scale(metric["MetricStat"] as JsonObject);
        }
        return compressed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }
        await Endpoint.DisposeAsync();
        _http.Dispose();
    }
}
