using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reliability.Observe.CloudWatch;
using Reliability.Sut.Local.Balancing;
using Reliability.Sut.Local.Monitoring.CloudWatch;

namespace Reliability.Sut.Local.Tests.CloudWatch;

/// <summary>
/// The CloudWatch stand-in through its wire protocol on a fake clock: the shipped alarms, compressed as the
/// environment applies them, fed the metrics an ALB publishes, change state as CloudWatch's rules say.
/// </summary>
public sealed class CloudWatchStandInTests : IAsyncLifetime
{
    // Aligned to a 2 s period, so that one step of the clock is one period.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private CloudWatchStandIn _standIn = null!;
    private HttpClient _http = null!;
    private CloudWatchClient _client = null!;

    public async Task InitializeAsync()
    {
        _standIn = await CloudWatchStandIn.StartAsync(_time);
        _http = new HttpClient { BaseAddress = _standIn.Address };
        _client = new CloudWatchClient(_http, _ => Task.FromResult(_standIn.Credentials), _standIn.Region, _time, retries: 0);
    }

    [Fact]
    public async Task The_error_rate_alarm_fires_after_three_breaching_periods_and_resolves_on_the_first_good_one_with_both_changes_in_history()
    {
        await _client.PutMetricAlarmAsync(ShippedAlarm("high-error-rate.json"));
        var start = _time.GetUtcNow();

        // Two periods of 2 s with 10 % target 5xx: not yet 3 of 3.
        await PublishPeriodsAsync(2, requests: 20, errors: 2);
        (await StateAsync("task-manager-high-error-rate")).Should().Be("OK", "two breaching periods of three are not enough");
        await PublishPeriodsAsync(1, requests: 20, errors: 2);
        (await StateAsync("task-manager-high-error-rate")).Should().Be("ALARM");
        // A period with requests and no errors: FILL(errors, 0) makes it 0 %, under 5 %.
        await PublishPeriodsAsync(1, requests: 20, errors: 0);
        (await StateAsync("task-manager-high-error-rate")).Should().Be("OK");

        var history = await _client.DescribeAlarmHistoryAsync("task-manager-high-error-rate", start, _time.GetUtcNow());
        history.Select(h => (h.OldState, h.NewState)).Should().Equal(("INSUFFICIENT_DATA", "OK"), ("OK", "ALARM"), ("ALARM", "OK"));
        history[1].At.Should().Be(start.AddSeconds(6), "the third breaching period ends 6 s after the first began");
    }

    [Fact]
    public async Task Missing_host_counts_breach_the_healthy_hosts_alarm_because_it_treats_missing_data_as_breaching()
    {
        await _client.PutMetricAlarmAsync(ShippedAlarm("low-healthy-hosts.json"));
        await _client.PutMetricAlarmAsync(ShippedAlarm("high-latency-p95.json"));

        // Nothing published for two periods: the balancer itself is gone.
        Advance(4);

        (await StateAsync("task-manager-low-healthy-hosts")).Should().Be("ALARM");
        (await StateAsync("task-manager-high-latency-p95")).Should().Be("OK", "it treats missing data as not breaching");
    }

    [Fact]
    public async Task The_p95_alarm_reads_the_95th_percentile_of_the_published_response_time_distribution()
    {
        await _client.PutMetricAlarmAsync(ShippedAlarm("high-latency-p95.json"));
        for (var period = 0; period < 5; period++)
        {
            // 94 fast answers and 6 slow ones: p95 is slow (0.9 s), the average is not (0.1 s).
            await PublishAsync(new MetricDatum("TargetResponseTime", [new("LoadBalancer", AlbMetricsPublisher.LoadBalancerName)], _time.GetUtcNow(), [0.05, 0.9], [94, 6], "Seconds"));
            Advance(2);
        }

        (await StateAsync("task-manager-high-latency-p95")).Should().Be("ALARM");
        var p95 = await _client.GetMetricDataAsync([new MetricDataQuery("p", new MetricStat("AWS/ApplicationELB", "TargetResponseTime",
            [new("LoadBalancer", AlbMetricsPublisher.LoadBalancerName)], 2, "p95"))], _time.GetUtcNow().AddSeconds(-10), _time.GetUtcNow());
        p95.Single().Points.Select(p => p.Value).Should().AllSatisfy(v => v.Should().Be(0.9));
    }

    [Fact]
    public async Task A_request_signed_with_another_secret_is_refused_with_SignatureDoesNotMatch()
    {
        using var http = new HttpClient { BaseAddress = _standIn.Address };
        var forged = new CloudWatchClient(http, _ => Task.FromResult(_standIn.Credentials with { SecretKey = "not-the-secret" }), _standIn.Region, _time, retries: 0);

        var act = () => forged.DescribeAlarmsAsync();

        (await act.Should().ThrowAsync<CloudWatchException>()).Which.Code.Should().Be("SignatureDoesNotMatch");
    }

    [Fact]
    public async Task An_alarm_with_two_queries_returning_data_is_refused_as_CloudWatch_refuses_it()
    {
        var alarm = ShippedAlarm("high-error-rate.json");
        alarm["Metrics"]![0]!["ReturnData"] = true;

        var act = () => _client.PutMetricAlarmAsync(alarm);

        (await act.Should().ThrowAsync<CloudWatchException>()).Which.Code.Should().Be("ValidationError");
    }

    [Fact]
    public async Task A_query_list_index_out_of_bounds_is_a_validation_error_not_an_allocation()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _standIn.Address)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "DescribeAlarms", ["Version"] = "2010-08-01", ["AlarmNames.member.2000000000"] = "x" }),
        };
        var body = await request.Content.ReadAsByteArrayAsync();
        Reliability.Observe.CloudWatch.SigV4Signer.Sign(request, body, _standIn.Credentials, _standIn.Region, "monitoring", _time.GetUtcNow());

        using var response = await http.SendAsync(request);

        ((int)response.StatusCode).Should().Be(400);
        (await response.Content.ReadAsStringAsync()).Should().Contain("<Code>ValidationError</Code>");
    }

    [Fact]
    public void Compression_scales_every_period_of_an_alarm_and_leaves_the_rest_as_shipped()
    {
        var shipped = JsonNode.Parse(File.ReadAllText(ShippedPath("high-error-rate.json")))!.AsObject();

        var compressed = LocalCloudWatch.Compress(shipped, 1.0 / 30);

        compressed["Metrics"]!.AsArray().Where(m => m!["MetricStat"] is not null).Select(m => m!["MetricStat"]!["Period"]!.GetValue<int>()).Should().Equal(2, 2, 2);
        compressed["EvaluationPeriods"]!.GetValue<int>().Should().Be(3);
        compressed["Threshold"]!.GetValue<double>().Should().Be(5);
    }

    private async Task PublishPeriodsAsync(int periods, int requests, int errors)
    {
        for (var i = 0; i < periods; i++)
        {
            var at = _time.GetUtcNow();
            var data = AlbMetricsPublisher.Data(Second(requests, errors), [("zone-a", 2, 0), ("zone-b", 2, 0), ("zone-c", 2, 0)], at).ToList();
            await _client.PutMetricDataAsync("AWS/ApplicationELB", data);
            Advance(2);
        }
    }

    private static AlbSecond Second(int requests, int errors)
    {
        var second = new AlbSecond();
        for (var i = 0; i < requests; i++)
        {
            second.Add(i < errors ? 500 : 200, target: true, TimeSpan.FromMilliseconds(20));
        }
        return second;
    }

    private Task PublishAsync(MetricDatum datum) => _client.PutMetricDataAsync("AWS/ApplicationELB", [datum]);

    private void Advance(int seconds)
    {
        _time.Advance(TimeSpan.FromSeconds(seconds));
        _standIn.EvaluateAlarms();
    }

    private async Task<string> StateAsync(string alarm) => (await _client.DescribeAlarmsAsync([alarm])).Single().State;

    private static JsonObject ShippedAlarm(string file) =>
        LocalCloudWatch.Compress(JsonNode.Parse(File.ReadAllText(ShippedPath(file)))!.AsObject(), 1.0 / 30);

    private static string ShippedPath(string file) => Path.Combine(AppContext.BaseDirectory, "deploy", "aws", "alarms", file);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _standIn.DisposeAsync();
    }
}
