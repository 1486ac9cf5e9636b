using Reliability.Observe.Prometheus;
using Reliability.Slo.Reports;
using Reliability.Evidence.Results;
using Reliability.Reports.Writers;
using Reliability.Slo.Specs;
using Reliability.Slo.Tests.Specs;
using Xunit.Abstractions;

namespace Reliability.Slo.Tests.Reports;

public sealed class SloReportTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Thirty_backfilled_days_give_the_SLI_the_budget_left_the_burn_rates_and_the_incident_that_paged()
    {
        await using var prometheus = await BackfilledPrometheus.StartAsync();
        using var http = new HttpClient { BaseAddress = prometheus.Server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var specs = RulesFiles.LoadSpecs(Path.Combine(Repository.Root, "slo", "specs"));

        var report = await SloReportBuilder.BuildAsync(new PrometheusClient(http), specs, prometheus.End, TimeSpan.FromDays(30), time: TimeProvider.System);
        output.WriteLine(SloReportWriter.Markdown(report));

        var availability = report.Slos.Single(s => s.Slo == "requests-availability");
        // Errors: 0.05 % for 30 days less 2 hours, 2 % for 2 hours: 0.05541 % of requests.
        availability.SliPercent.Should().BeApproximately(100 - 0.05541, 0.0005);
        availability.BudgetRemainingPercent.Should().BeApproximately(44.6, 0.2, "0.0554 % spent of a 0.1 % budget");
        availability.BurnRates["3d"].Should().BeApproximately(0.5, 0.01, "the incident is more than 3 days ago");
        availability.TimeToExhaustion!.Value.TotalDays.Should().BeApproximately(30 * 0.446 / 0.5, 0.5);
        var page = availability.PageBurns.Should().ContainSingle().Subject;
        page.Start.Should().BeAfter(prometheus.IncidentStart).And.BeBefore(prometheus.IncidentStart + TimeSpan.FromHours(1));
        page.End.Should().BeOnOrAfter(prometheus.IncidentEnd).And.BeBefore(prometheus.IncidentEnd + TimeSpan.FromHours(1));

        var latency = report.Slos.Single(s => s.Slo == "requests-latency");
        latency.SliPercent.Should().BeApproximately(99, 0.001);
        latency.BudgetRemainingPercent.Should().BeApproximately(80, 0.01);
        latency.PageBurns.Should().BeEmpty();
        SloReportWriter.Json(report).Should().Contain("\"schema\": \"reliability.slo-report/v1\"");
    }

    [Fact]
    public async Task An_unreachable_Prometheus_is_reported_per_SLO_not_passed_over()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/"), Timeout = TimeSpan.FromSeconds(2) };
        var specs = RulesFiles.LoadSpecs(Path.Combine(Repository.Root, "slo", "specs"));

        var report = await SloReportBuilder.BuildAsync(new PrometheusClient(http, retries: 0), specs, DateTimeOffset.UtcNow, TimeSpan.FromDays(30), time: TimeProvider.System);

        report.Slos.Should().HaveCount(2).And.OnlyContain(s => s.Problem != null && s.Problem.Contains("could not be queried"));
    }
}
