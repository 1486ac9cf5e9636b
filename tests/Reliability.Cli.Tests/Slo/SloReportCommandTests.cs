using System.Text.Json;
using Reliability.Observe.CloudWatch;
using Reliability.Reports.Tests;
using Reliability.Slo.Tests.Reports;
using Reliability.Sut.Local.Monitoring.CloudWatch;

namespace Reliability.Cli.Tests.Slo;

/// <summary>
/// `slo report` end to end, as a user runs it: thirty days of the SUT's counters backfilled into a real
/// Prometheus, thirty days of ALB metrics in the CloudWatch stand-in (found through the AWS_ variables that
/// `env up` writes), and the HTML page rendered by headless Chromium.
/// </summary>
public sealed class SloReportCommandTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"slo-report-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_report_over_backfilled_Prometheus_and_CloudWatch_data_gives_every_SLOs_budget_and_a_burn_down_chromium_renders()
    {
        await using var prometheus = await BackfilledPrometheus.StartAsync();
        await using var cloudWatch = await CloudWatchStandIn.StartAsync(TimeProvider.System, retention: TimeSpan.FromDays(31));
        await PublishThirtyDaysAsync(cloudWatch, prometheus.End, prometheus.IncidentStart);
        using var cli = new CliProcess(new CliStart
        {
            WorkingDirectory = Path.GetDirectoryName(Repository.Experiments),
            Environment = new Dictionary<string, string?>
            {
                ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Address.ToString(), ["AWS_REGION"] = cloudWatch.Region,
                ["AWS_ACCESS_KEY_ID"] = cloudWatch.Credentials.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = cloudWatch.Credentials.SecretKey,
                ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            },
        }, "slo", "report", "--prometheus", prometheus.Server.Address.ToString(), "--cloudwatch", "--at", prometheus.End.ToString("O"),
            "--output", _output, "--format", "json,html");

        (await cli.WaitAsync(TimeSpan.FromMinutes(2))).Should().Be(0, cli.Output);

        File.Exists(Path.Combine(_output, "slo-report.md")).Should().BeFalse("--format asked for json and html only");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "slo-report.json")));
        var slos = json.RootElement.GetProperty("slos").EnumerateArray().ToDictionary(s => s.GetProperty("slo").GetString()!);
        slos.Keys.Should().BeEquivalentTo(["requests-availability", "requests-latency", "alb-availability", "alb-latency"]);
        foreach (var name in new[] { "requests-availability", "alb-availability" })
        {
            // 0.05 % errors for 30 days less 2 hours, 2 % for 2 hours: 44.6 % of a 0.1 % budget left, on either backend.
            slos[name].GetProperty("errorBudgetRemainingPercent").GetDouble().Should().BeApproximately(44.6, 0.3, name);
            var burnDown = slos[name].GetProperty("burnDown").EnumerateArray().Select(p => p.GetProperty("remainingPercent").GetDouble()).ToList();
            burnDown.First().Should().Be(100);
            burnDown.Last().Should().BeApproximately(44.6, 1, $"{name}'s burn-down ends where its budget is");
            burnDown.Should().BeInDescendingOrder("errors only ever spend the budget");
        }
        slos["alb-latency"].GetProperty("errorBudgetRemainingPercent").GetDouble().Should().BeApproximately(72.2, 0.5, "24 slow periods of 8,640 against a 1 % budget");

        var page = Path.Combine(_output, "slo-report.html");
        var dom = await Chromium.RunAsync("--dump-dom", $"file://{page}");
        // With RELIABILITY_SCREENSHOTS set to a folder, the screenshot is kept there.
        var screenshot = Path.Combine(Environment.GetEnvironmentVariable("RELIABILITY_SCREENSHOTS") is { Length: > 0 } keep ? keep : _output, "slo-report.png");
        await Chromium.RunAsync("--hide-scrollbars", "--window-size=1280,1600", $"--screenshot={screenshot}", $"file://{page}");
        dom.Split("<svg class=\"chart\"").Length.Should().Be(5, "one burn-down chart per SLO");
        dom.Should().Contain("error budget left").And.Contain("page-level burn").And.NotContain("<script");
        new FileInfo(screenshot).Length.Should().BeGreaterThan(30_000, "a blank page compresses to almost nothing");
    }

    /// <summary>Five-minute ALB datapoints: 10 requests/s, 0.05 % target 5xx (2 % for the two-hour incident), p95 0.2 s (0.9 s in the incident).</summary>
    private static async Task PublishThirtyDaysAsync(CloudWatchStandIn standIn, DateTimeOffset end, DateTimeOffset incident)
    {
        using var http = new HttpClient { BaseAddress = standIn.Address };
        var client = new CloudWatchClient(http, _ => Task.FromResult(standIn.Credentials), standIn.Region, TimeProvider.System);
        MetricDimension[] balancer = [new("LoadBalancer", "app/task-manager/0123456789abcdef")];
        var data = new List<MetricDatum>();
        for (var at = end - TimeSpan.FromDays(30); at < end; at += TimeSpan.FromMinutes(5))
        {
            var inIncident = at >= incident && at < incident + TimeSpan.FromHours(2);
            data.Add(MetricDatum.Single("RequestCount", balancer, at, 3000));
            data.Add(MetricDatum.Single("HTTPCode_Target_5XX_Count", balancer, at, inIncident ? 60 : 1.5));
            data.Add(MetricDatum.Single("TargetResponseTime", balancer, at, inIncident ? 0.9 : 0.2, "Seconds"));
        }
        await client.PutMetricDataAsync("AWS/ApplicationELB", data);
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
