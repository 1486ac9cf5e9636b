using System.Globalization;
using System.Text;
using System.Text.Json;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Sut.Local.Monitoring;

/// <summary>
/// The Debian prometheus binary on 127.0.0.1 with a generated configuration: targets come from
/// file-based service discovery (rewritten when a replica moves), rules from the project's rule files
/// compressed to local time, alerts go to the environment's Alertmanager.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly string _home;
    private readonly ChildProcess _process;

    private PrometheusServer(string home, ChildProcess process, int port)
    {
        _home = home;
        _process = process;
        Address = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Address { get; }
    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public string LogTail() => _process.Tail();

    public static async Task<PrometheusServer> StartAsync(
        RunDirectory run, IEnumerable<ScrapeTarget> targets, IEnumerable<(string Name, string Yaml)> ruleFiles,
        Uri alertmanager, MonitoringTimings timings, CancellationToken ct = default)
    {
        timings.Validate();
        var binary = Prerequisite.Prometheus.Locate();
        var home = run.Folder("prometheus");
        Directory.CreateDirectory(Path.Combine(home, "rules"));
        foreach (var (name, yaml) in ruleFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(home, "rules", name), RuleCompressor.Compress(yaml, timings), ct);
        }
        var list = targets.ToList();
        await WriteTargetsAsync(home, list, ct);
        await File.WriteAllTextAsync(Path.Combine(home, "prometheus.yml"), Config(home, alertmanager, timings, list.Select(t => t.Job).Distinct()), ct);

        return await LaunchAsync(run, binary, home, [$"--config.file={Path.Combine(home, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(home, "data")}", "--storage.tsdb.retention.time=1d"], ct);
    }

    /// <summary>
    /// Prometheus over an existing TSDB (for instance blocks backfilled with promtool), scraping nothing:
    /// what `slo report` is tested and benchmarked against. Retention is long, so old blocks stay.
    /// </summary>
    public static async Task<PrometheusServer> StartOnDataAsync(RunDirectory run, string dataDirectory, CancellationToken ct = default)
    {
        var binary = Prerequisite.Prometheus.Locate();
        var home = run.Folder("prometheus");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "prometheus.yml"), "global:\n  scrape_interval: 15s\n", ct);
        return await LaunchAsync(run, binary, home, [$"--config.file={Path.Combine(home, "prometheus.yml")}", $"--storage.tsdb.path={dataDirectory}", "--storage.tsdb.retention.time=3650d"], ct);
    }

    private static async Task<PrometheusServer> LaunchAsync(RunDirectory run, string binary, string home, string[] arguments, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var process = ChildProcess.Start(new ChildProcessSpec
            {
                Name = "prometheus",
                FileName = binary,
                Arguments = [.. arguments, $"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle"],
                LogFile = Path.Combine(home, "prometheus.log"),
            }, run);
            try
            {
                await HttpReadiness.WaitAsync(new Uri($"http://127.0.0.1:{port}/-/ready"), process, TimeSpan.FromSeconds(30), ct);
                return new PrometheusServer(home, process, port);
            }
            catch (ComponentStartException) when (attempt < 3 && process.Tail().Contains("address already in use", StringComparison.Ordinal))
            {
                await process.DisposeAsync();
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Rewrites the service-discovery file; Prometheus notices the change by itself.</summary>
    public Task UpdateTargetsAsync(IEnumerable<ScrapeTarget> targets, CancellationToken ct = default) => WriteTargetsAsync(_home, targets, ct);

    public async Task StopAsync()
    {
        await _process.StopAsync(Posix.SIGTERM, TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _process.DisposeAsync();
    }

    private static async Task WriteTargetsAsync(string home, IEnumerable<ScrapeTarget> targets, CancellationToken ct)
    {
        foreach (var job in targets.GroupBy(t => t.Job))
        {
            var groups = job.Select(t => new { targets = new[] { t.HostPort }, labels = t.Labels });
            var path = Path.Combine(home, $"targets-{job.Key}.json");
            // Write then rename, so Prometheus never reads half a file.
            await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(groups), ct);
            File.Move(path + ".tmp", path, overwrite: true);
        }
    }

    private static string Config(string home, Uri alertmanager, MonitoringTimings timings, IEnumerable<string> jobs)
    {
        static string D(TimeSpan t) => PromDuration.Format(t);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"""
            # Generated by the embedded environment; timings come from MonitoringTimings.
            global:
              scrape_interval: {D(timings.ScrapeInterval)}
              scrape_timeout: {D(timings.ScrapeInterval)}
              evaluation_interval: {D(timings.EvaluationInterval)}
            rule_files:
              - {Path.Combine(home, "rules", "*.yaml")}
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["{alertmanager.Authority}"]
            scrape_configs:
            """);
        foreach (var job in jobs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"""
                  - job_name: {job}
                    file_sd_configs:
                      - files: ["{Path.Combine(home, $"targets-{job}.json")}"]
                        refresh_interval: 1s
                """);
        }
        return text.ToString();
    }
}
