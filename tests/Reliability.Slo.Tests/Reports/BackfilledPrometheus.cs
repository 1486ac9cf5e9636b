using System.Diagnostics;
using System.Globalization;
using Reliability.Sut.Local.Monitoring;
using Reliability.Sut.Local.Processes;

namespace Reliability.Slo.Tests.Reports;

/// <summary>
/// Thirty days of the edge's request counters (the series ingress-nginx exports) at a 15 s resolution, written as OpenMetrics, turned into
/// TSDB blocks by `promtool tsdb create-blocks-from openmetrics`, and served by a real Prometheus.
/// 10 requests/s throughout; 0.05 % of them fail, except for a two-hour incident at 2 % starting
/// <see cref="IncidentStart"/>; 99 % of requests take under 500 ms.
/// </summary>
internal sealed class BackfilledPrometheus : IAsyncDisposable
{
    private readonly RunDirectory _run;

    private BackfilledPrometheus(RunDirectory run, PrometheusServer server, DateTimeOffset end)
    {
        _run = run;
        Server = server;
        End = end;
    }

    public PrometheusServer Server { get; }
    public DateTimeOffset End { get; }
    public DateTimeOffset Start => End - TimeSpan.FromDays(30);
    public DateTimeOffset IncidentStart => Start + TimeSpan.FromDays(20);
    public DateTimeOffset IncidentEnd => IncidentStart + TimeSpan.FromHours(2);

    public static async Task<BackfilledPrometheus> StartAsync()
    {
        var run = RunDirectory.Create("slo-report");
        try
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var end = DateTimeOffset.FromUnixTimeSeconds(now / 15 * 15 - 60);
            var metrics = Path.Combine(run.Path, "backfill.om");
            Write(metrics, end);
            var blocks = Path.Combine(run.Path, "tsdb");
            await PromtoolAsync("tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=720h", metrics, blocks);
            var server = await PrometheusServer.StartOnDataAsync(run, blocks);
            return new BackfilledPrometheus(run, server, end);
        }
        catch
        {
            run.Close(keepFiles: false);
            throw;
        }
    }

    private static void Write(string path, DateTimeOffset end)
    {
        var last = end.ToUnixTimeSeconds();
        var first = last - (long)TimeSpan.FromDays(30).TotalSeconds;
        var incident = (From: first + (long)TimeSpan.FromDays(20).TotalSeconds, To: first + (long)TimeSpan.FromDays(20).TotalSeconds + 7200);
        using var writer = new StreamWriter(path);
        void Series(string name, string labels, Func<long, double> perSecond)
        {
            var value = 0.0;
            for (var t = first; t <= last; t += 15)
            {
                value += perSecond(t) * 15;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value:0.###} {t}\n"));
            }
        }
        bool InIncident(long t) => t >= incident.From && t < incident.To;
        // "unknown" families keep the exact sample names the SLO queries use.
        writer.Write("# TYPE nginx_ingress_controller_requests unknown\n");
        Series("nginx_ingress_controller_requests", "ingress=\"task-manager\",status=\"200\"", t => 10 * (InIncident(t) ? 0.98 : 0.9995));
        Series("nginx_ingress_controller_requests", "ingress=\"task-manager\",status=\"500\"", t => 10 * (InIncident(t) ? 0.02 : 0.0005));
        writer.Write("# TYPE nginx_ingress_controller_request_duration_seconds_count unknown\n");
        Series("nginx_ingress_controller_request_duration_seconds_count", "ingress=\"task-manager\"", _ => 10);
        writer.Write("# TYPE nginx_ingress_controller_request_duration_seconds_bucket unknown\n");
        Series("nginx_ingress_controller_request_duration_seconds_bucket", "ingress=\"task-manager\",le=\"0.5\"", _ => 9.9);
        writer.Write("# EOF\n");
    }

    private static async Task PromtoolAsync(params string[] args)
    {
        var info = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"promtool {string.Join(' ', args)} failed: {await output}{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _run.Close(keepFiles: false);
    }
}
