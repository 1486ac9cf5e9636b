using Reliability.Slo.CloudWatch;
using Reliability.Slo.Reports;
using Reliability.Evidence.Results;
using Reliability.Reports.Writers;
using Reliability.Slo.Tests.CloudWatch;
using Reliability.Slo.Tests.Specs;
using Xunit.Abstractions;
using Reliability.Observe.CloudWatch;

namespace Reliability.Slo.Tests.Reports;

/// <summary>The CloudWatch SLOs of slo/specs reported from 30 days of ALB metrics served by the stand-in.</summary>
public sealed class CloudWatchSloReportTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Thirty_days_of_ALB_metrics_give_the_SLIs_the_budgets_and_the_incidents_that_paged()
    {
        var end = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var incident = end - TimeSpan.FromDays(10);
        var slow = end - TimeSpan.FromDays(5);
        await using var aws = await CloudWatchStandIn.StartAsync();
        // 10 requests/s; 0.05 % 5xx, 2 % for two hours; p95 200 ms, 800 ms for three hours.
        aws.Data = (metric, at) => metric switch
        {
            "RequestCount" => 3000,
            "HTTPCode_Target_5XX_Count" => at >= incident && at < incident.AddHours(2) ? 60 : 1.5,
            "TargetResponseTime" => at >= slow && at < slow.AddHours(3) ? 0.8 : 0.2,
            _ => null,
        };
        using var http = new HttpClient { BaseAddress = aws.Address };
        var client = new CloudWatchClient(http, _ => Task.FromResult(new AwsCredentials(CloudWatchStandIn.AccessKey, CloudWatchStandIn.SecretKey, null)), CloudWatchStandIn.Region, time: TimeProvider.System);
        var spec = CloudWatchSloSpecFile.Load(Path.Combine(Repository.Root, "slo", "specs", "task-manager-cloudwatch.yaml"));

        var entries = await CloudWatchSloReportBuilder.BuildAsync(client, [spec], end, TimeSpan.FromDays(30));
        output.WriteLine(SloReportWriter.Markdown(new SloReport(end.AddDays(-30), end, entries, TimeSpan.Zero)));

        aws.Calls.Count.Should().BeGreaterThan(2, "8,640 periods per metric come in 5,000-datapoint pages");
        var availability = entries.Single(e => e.Slo == "alb-availability");
        availability.SliPercent.Should().BeApproximately(100 - 0.05541, 0.0005);
        availability.BudgetRemainingPercent.Should().BeApproximately(44.6, 0.2);
        availability.BurnRates["1d"].Should().BeApproximately(0.5, 0.01);
        availability.PageBurns.Should().ContainSingle().Which.Start.Should().BeAfter(incident).And.BeBefore(incident.AddHours(1));
        var latency = entries.Single(e => e.Slo == "alb-latency");
        latency.SliPercent.Should().BeApproximately(100 - 36 * 100.0 / 8640, 0.001, "36 of 8,640 five-minute periods had a p95 over 500 ms");
        latency.PageBurns.Should().ContainSingle().Which.Start.Should().BeOnOrAfter(slow).And.BeBefore(slow.AddHours(1));
    }
}
