using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliability.Observe.Prometheus;

namespace Reliability.Slo.Tests.Prometheus;

/// <summary>
/// The response envelope and the retry policy, against a server answering exactly as Prometheus's HTTP API
/// documents (status, data, errorType, error, warnings; sample values as strings). The client's normal
/// path is also exercised against the real Prometheus by the experiment and SLO report tests.
/// </summary>
public sealed class PrometheusClientTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private readonly ConcurrentQueue<string> _requests = new();
    private int _unavailable;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/v1/query", (HttpContext context, string query) =>
        {
            _requests.Enqueue(query);
            return query switch
            {
                "odd_values" => Results.Text("""
                    {"status":"success","warnings":["PromQL info: metric might not be a counter"],"data":{"resultType":"vector","result":[
                      {"metric":{"le":"a"},"value":[1700000000.5,"NaN"]},{"metric":{"le":"b"},"value":[1700000000.5,"+Inf"]},{"metric":{"le":"c"},"value":[1700000000.5,"-Inf"]},
                      {"metric":{"le":"d"},"value":[1700000000.5,"0.25"]}]}}
                    """, "application/json"),
                "bad(" => Results.Text("""{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}""", "application/json", statusCode: 400),
                _ when Interlocked.Decrement(ref _unavailable) >= 0 => Results.Text("""{"status":"error","errorType":"unavailable","error":"too many queries"}""", "application/json", statusCode: 503),
                _ => Results.Text("""{"status":"success","data":{"resultType":"scalar","result":[1700000000,"1"]}}""", "application/json"),
            };
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First() + "/") };
    }

    [Fact]
    public async Task Values_are_strings_including_NaN_and_infinities_and_warnings_are_reported()
    {
        var client = new PrometheusClient(_http);
        var warnings = new List<string>();
        client.WarningReceived += warnings.Add;

        var samples = await client.QueryAsync("odd_values");

        samples.Select(s => s.Value).Should().Equal(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.25);
        samples[0].At.Should().Be(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500));
        warnings.Should().ContainSingle().Which.Should().Contain("might not be a counter");
    }

    [Fact]
    public async Task A_bad_query_fails_at_once_with_its_error_type()
    {
        var act = () => new PrometheusClient(_http, retries: 2).QueryAsync("bad(");

        (await act.Should().ThrowAsync<PrometheusException>()).Which.Should().Match<PrometheusException>(e => e.ErrorType == "bad_data" && !e.Transient);
        _requests.Should().ContainSingle("a client error is not retried");
    }

    [Fact]
    public async Task An_unavailable_Prometheus_is_retried_and_then_reported()
    {
        _unavailable = 2;
        var recovered = await new PrometheusClient(_http, retries: 2).QueryAsync("up");
        recovered.Single().Value.Should().Be(1);
        _requests.Should().HaveCount(3);

        _unavailable = 10;
        var act = () => new PrometheusClient(_http, retries: 2).QueryAsync("up");
        (await act.Should().ThrowAsync<PrometheusException>()).Which.ErrorType.Should().Be("unavailable");
        _requests.Should().HaveCount(6);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
