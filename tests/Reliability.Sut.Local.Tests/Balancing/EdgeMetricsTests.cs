using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliability.Sut.Local.Balancing;

namespace Reliability.Sut.Local.Tests.Balancing;

/// <summary>
/// The balancer counts at the edge, as ingress-nginx does: what its targets answered and what it answered
/// itself (a target it cannot reach), in the series the SLOs read, and in the ALB figures CloudWatch gets.
/// </summary>
public sealed partial class EdgeMetricsTests
{
    [Fact]
    public async Task Errors_the_balancer_answers_itself_count_at_the_edge_beside_what_the_targets_answered()
    {
        await using var target = await StartTargetAsync();
        await using var balancer = await LoadBalancer.StartAsync([new LoadBalancerTarget("sut-zone-a-0", "zone-a", target.Address)]);
        // A port nothing listens on: the balancer's own 502 (or 503 once the health check gave up on it).
        await using var dead = await LoadBalancer.StartAsync([new LoadBalancerTarget("sut-zone-b-0", "zone-b", new Uri($"http://127.0.0.1:{ClosedPort()}/"))]);
        using var http = new HttpClient();

        foreach (var path in new[] { "ok", "ok", "ok", "fail", "fail" })
        {
            await http.GetAsync(new Uri(balancer.Address, path));
        }
        var deadStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            deadStatuses.Add((await http.GetAsync(dead.Address)).StatusCode);
        }

        var metrics = await http.GetStringAsync(balancer.MetricsAddress);
        Count(metrics, "200").Should().Be(3);
        Count(metrics, "500").Should().Be(2, "a target's 5xx is the edge's 5xx");
        var deadMetrics = await http.GetStringAsync(dead.MetricsAddress);
        deadStatuses.Should().OnlyContain(s => s == HttpStatusCode.BadGateway || s == HttpStatusCode.ServiceUnavailable);
        (Count(deadMetrics, "502") + Count(deadMetrics, "503")).Should().Be(2, "the balancer's own errors count at the edge too, as users feel them");
        Regex.Match(metrics, @"nginx_ingress_controller_request_duration_seconds_count\{[^}]*status=""200""[^}]*\} (\d+)").Groups[1].Value.Should().Be("3");
        var alb = dead.DrainAlbFigures();
        (alb.Requests, alb.Elb5xx, alb.Target5xx).Should().Be((2, 2, 0), "CloudWatch gets them as HTTPCode_ELB_5XX_Count");
    }

    private static long Count(string metrics, string status)
    {
        var match = Regex.Match(metrics, $@"nginx_ingress_controller_requests\{{[^}}]*ingress=""task-manager""[^}}]*status=""{status}""[^}}]*\}} (\d+)");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static int ClosedPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static async Task<Target> StartTargetAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/ready", () => Results.Ok());
        app.MapGet("/ok", () => Results.Ok());
        app.MapGet("/fail", () => Results.StatusCode(500));
        await app.StartAsync();
        return new Target(app, new Uri(app.Urls.First() + "/"));
    }

    private sealed record Target(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
