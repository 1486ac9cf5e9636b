using System.CommandLine;
using Reliability.Evidence.Results;
using Reliability.Reports.Writers;
using Reliability.Slo.CloudWatch;
using Reliability.Slo.Reports;
using Reliability.Slo.Specs;
using Reliability.Observe.CloudWatch;

namespace Reliability.Cli.Commands;

/// <summary>`slo generate`: SLO specs to Prometheus rules (the rules file and the Kubernetes PrometheusRule).</summary>
internal static class SloCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "The repository root (holding slo/specs and sut/deploy).", DefaultValueFactory = _ => "." };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 when the checked-in rules differ from what the specs generate." };
        var generate = new Command("generate", "Write recording rules and multi-window multi-burn-rate alerts from slo/specs/*.yaml into sut/deploy.") { root, check };
        generate.SetAction(parse => Generate(parse.GetValue(root)!, parse.GetValue(check)));
        return new Command("slo", "SLO specs, their rules, and the SLO report.") { generate, Report(root) };
    }

    private static Command Report(Option<string> root)
    {
        var prometheus = new Option<string?>("--prometheus") { Description = "Prometheus base URL, for the prometheus/v1 specs." };
        var cloudWatch = new Option<bool>("--cloudwatch") { Description = "Also report the cloudwatch/v1 specs, from CloudWatch (credentials and region as the AWS SDK finds them)." };
        var cloudWatchEndpoint = new Option<string?>("--cloudwatch-endpoint") { Description = "CloudWatch endpoint override (a VPC endpoint); default https://monitoring.<region>.amazonaws.com/." };
        var window = new Option<string>("--window") { Description = "Report window, e.g. 30d or 7d.", DefaultValueFactory = _ => "30d" };
        var at = new Option<string?>("--at") { Description = "End of the window, ISO 8601 (default now)." };
        var output = new Option<string?>("--output") { Description = "Folder for slo-report.json, .md and .html (default artifacts/<timestamp>-slo-report)." };
        var format = new Option<string[]>("--format")
        {
            Description = "What to write: json, markdown, html (repeat or comma-separate; default all three). The Markdown is also printed.",
            AllowMultipleArgumentsPerToken = true,
        };
        var report = new Command("report", "Per SLO over the window: target, SLI achieved, error budget left, burn rates over 1h/6h/1d/3d, time to exhaustion and page-level burn periods.")
        {
            root, prometheus, cloudWatch, cloudWatchEndpoint, window, at, output, format,
        };
        report.SetAction((parse, ct) => ReportAsync(parse.GetValue(root)!, parse.GetValue(prometheus), parse.GetValue(cloudWatch), parse.GetValue(cloudWatchEndpoint),
            parse.GetValue(window)!, parse.GetValue(at), parse.GetValue(output), parse.GetValue(format) ?? [], ct));
        return report;
    }

    private static readonly string[] Formats = ["json", "markdown", "html"];

    private static async Task<int> ReportAsync(string root, string? prometheusUrl, bool cloudWatch, string? cloudWatchEndpoint, string windowText, string? atText, string? outputDir,
        string[] formatValues, CancellationToken ct)
    {
        var formats = formatValues.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(f => f == "md" ? "markdown" : f.ToLowerInvariant()).ToHashSet();
        if (formats.FirstOrDefault(f => !Formats.Contains(f)) is { } unknown)
        {
            await Console.Error.WriteLineAsync($"error: --format: '{unknown}' is not one of {string.Join(", ", Formats)}");
            return ExitCodes.InvalidInput;
        }
        if (formats.Count == 0)
        {
            formats = [.. Formats];
        }
        // The aws.env of `env up`, or a VPC endpoint, names it; the option wins.
        cloudWatchEndpoint ??= Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_CLOUDWATCH");
        if (prometheusUrl is null && !cloudWatch)
        {
            await Console.Error.WriteLineAsync("error: give --prometheus URL, --cloudwatch, or both");
            return ExitCodes.InvalidInput;
        }
        IReadOnlyList<SloSpec> specs;
        IReadOnlyList<CloudWatchSloSpec> cloudWatchSpecs;
        TimeSpan window;
        DateTimeOffset at;
        try
        {
            specs = prometheusUrl is null ? [] : RulesFiles.LoadSpecs(Path.Combine(root, "slo", "specs"));
            cloudWatchSpecs = !cloudWatch ? [] : [.. Directory.EnumerateFiles(Path.Combine(root, "slo", "specs"), "*.yaml").Where(CloudWatchSloSpecFile.IsSpec).Order().Select(CloudWatchSloSpecFile.Load)];
            window = Reliability.Sut.Local.Monitoring.PromDuration.Parse(windowText);
            at = atText is null ? DateTimeOffset.UtcNow : DateTimeOffset.Parse(atText, System.Globalization.CultureInfo.InvariantCulture);
            if (prometheusUrl is not null && !Uri.TryCreate(prometheusUrl.EndsWith('/') ? prometheusUrl : prometheusUrl + "/", UriKind.Absolute, out _))
            {
                throw new FormatException($"--prometheus '{prometheusUrl}' is not an absolute URL");
            }
        }
        catch (SloSpecException ex)
        {
            foreach (var problem in ex.Problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is FormatException or DirectoryNotFoundException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var entries = new List<SloReportEntry>();
        if (prometheusUrl is not null)
        {
            using var http = new HttpClient { BaseAddress = new Uri(prometheusUrl.EndsWith('/') ? prometheusUrl : prometheusUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
            entries.AddRange((await SloReportBuilder.BuildAsync(new Reliability.Observe.Prometheus.PrometheusClient(http), specs, at, window, ct: ct, time: TimeProvider.System)).Slos);
        }
        if (cloudWatchSpecs.Count > 0)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var client = CloudWatchClient.FromEnvironment(http, TimeProvider.System, cloudWatchEndpoint is null ? null : new Uri(cloudWatchEndpoint));
                entries.AddRange(await CloudWatchSloReportBuilder.BuildAsync(client, cloudWatchSpecs, at, window, ct));
            }
            catch (Exception ex) when (ex is InvalidOperationException or Amazon.Runtime.AmazonClientException)
            {
                await Console.Error.WriteLineAsync($"error: CloudWatch: {ex.Message}");
                return ExitCodes.EnvironmentError;
            }
        }
        var report = new SloReport(at - window, at, entries, clock.Elapsed);
        var markdown = SloReportWriter.Markdown(report);
        var folder = outputDir ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-slo-report");
        Directory.CreateDirectory(folder);
        if (formats.Contains("json"))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "slo-report.json"), SloReportWriter.Json(report), ct);
        }
        if (formats.Contains("markdown"))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "slo-report.md"), markdown, ct);
        }
        if (formats.Contains("html"))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "slo-report.html"), SloReportWriter.Html(report), ct);
        }
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
        {
            await File.AppendAllTextAsync(summary, markdown, ct);
        }
        Console.WriteLine(markdown);
        Console.WriteLine($"report: {Path.GetFullPath(folder)}");
        // An SLO that could not be measured is an observation error, never a quiet pass.
        return report.Slos.Any(s => s.Problem is not null) ? ExitCodes.EnvironmentError : ExitCodes.Passed;
    }

    private static int Generate(string root, bool check)
    {
        IReadOnlyList<SloSpec> specs;
        try
        {
            specs = RulesFiles.LoadSpecs(Path.Combine(root, "slo", "specs"));
        }
        catch (SloSpecException ex)
        {
            foreach (var problem in ex.Problems)
            {
                Console.Error.WriteLine(problem);
            }
            return ExitCodes.InvalidInput;
        }
        catch (DirectoryNotFoundException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message} (run from the repository root or give --root)");
            return ExitCodes.InvalidInput;
        }
        var rulesPath = Path.Combine(root, RulesFiles.RulesPath);
        var rulePath = Path.Combine(root, RulesFiles.PrometheusRulePath);
        var rules = RulesFiles.Rules(File.ReadAllText(rulesPath), specs);
        var prometheusRule = RulesFiles.PrometheusRule(File.ReadAllText(rulePath), rules);
        var stale = new[] { (rulesPath, rules), (rulePath, prometheusRule) }.Where(f => File.ReadAllText(f.Item1) != f.Item2).ToList();
        if (check)
        {
            foreach (var (path, _) in stale)
            {
                Console.Error.WriteLine($"{path}: stale; run `reliability slo generate`");
            }
            return stale.Count == 0 ? ExitCodes.Passed : ExitCodes.HypothesisFailed;
        }
        foreach (var (path, text) in stale)
        {
            File.WriteAllText(path, text);
        }
        Console.WriteLine($"{specs.Sum(s => s.Slos.Count)} SLO(s) from {specs.Count} spec(s); {stale.Count} file(s) rewritten");
        return ExitCodes.Passed;
    }
}
