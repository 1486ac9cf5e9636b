using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliability.Observe.Alertmanager;

namespace Reliability.Slo.Tests.Alertmanager;

/// <summary>
/// GET /api/v2/alerts, the gettableAlerts shape of Alertmanager's OpenAPI spec. The experiment runs check
/// the same client against the real Alertmanager of the embedded environment.
/// </summary>
public sealed class AlertmanagerClientTests
{
    [Fact]
    public async Task Reads_names_states_start_times_and_receivers()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/api/v2/alerts", () => Results.Text("""
            [{"annotations":{"summary":"High error rate detected"},"endsAt":"2026-11-25T07:30:00.000Z","fingerprint":"4e5c0ad5a0c5c8f2",
              "receivers":[{"name":"harness"}],"startsAt":"2026-11-25T07:20:01.123Z",
              "status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":"2026-11-25T07:20:02.000Z",
              "generatorURL":"http://prometheus/graph","labels":{"alertname":"HighErrorRate","severity":"page"}},
             {"annotations":{},"endsAt":"2026-11-25T07:30:00.000Z","fingerprint":"77","receivers":[{"name":"harness"}],"startsAt":"2026-11-25T07:10:00.000Z",
              "status":{"inhibitedBy":[],"silencedBy":["a1b2"],"state":"suppressed"},"updatedAt":"2026-11-25T07:20:02.000Z","labels":{"alertname":"HighLatency"}}]
            """, "application/json"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/") };

        var alerts = await new AlertmanagerClient(http).AlertsAsync();

        alerts.Select(a => (a.Name, a.State)).Should().Equal(("HighErrorRate", "active"), ("HighLatency", "suppressed"));
        alerts[0].StartsAt.Should().Be(new DateTimeOffset(2026, 11, 25, 7, 20, 1, 123, TimeSpan.Zero));
        alerts[0].Receivers.Should().Equal("harness");
    }
}
