using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Observability;

[Collection(SutCollection.Name)]
public sealed class MetricsTests(SutFixture fixture)
{
    [Fact]
    public async Task Requests_move_the_counter_and_histogram_under_the_route_template()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var taskId = await user.CreateTaskAsync();
        const string series = "method=\"GET\",route=\"/api/tasks/{id}\",status=\"200\"";
        var before = await ScrapeAsync();
        for (var i = 0; i < 3; i++)
        {
            (await user.Client.GetAsync($"/api/tasks/{taskId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        var after = await ScrapeAsync();

        Value(after, $"http_requests_total{{{series}}}").Should().Be(Value(before, $"http_requests_total{{{series}}}") + 3);
        Value(after, $"http_request_duration_seconds_count{{{series}}}").Should().Be(Value(before, $"http_request_duration_seconds_count{{{series}}}") + 3);
        foreach (var le in new[] { "0.005", "0.5", "10", "+Inf" })
        {
            after.Should().Contain($"http_request_duration_seconds_bucket{{{series},le=\"{le}\"}}");
        }
        after.Should().NotContain($"/api/tasks/{taskId}\"", "the raw path must never become a label");
    }

    [Fact]
    public async Task Unmatched_paths_share_one_label_and_errors_are_counted_by_status()
    {
        using var client = fixture.Client();
        await client.GetAsync($"/no/such/path/{Guid.NewGuid()}");
        var text = await ScrapeAsync();
        text.Should().Contain("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}");
    }

    [Fact]
    public async Task Database_pool_and_in_flight_gauges_are_exported()
    {
        var text = await ScrapeAsync();
        Value(text, "db_pool_max_connections").Should().Be(32);
        text.Should().Contain("db_operations_in_flight").And.Contain("http_requests_in_flight").And.Contain("sut_draining 0");
    }

    private async Task<string> ScrapeAsync()
    {
        using var client = fixture.Client();
        return await client.GetStringAsync("/metrics");
    }

    private static double Value(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + " ([^ \\n]+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
