using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Reliability.Cli.Commands;

/// <summary>
/// The README's main job. Until the experiment runner exists it runs the SUT against an embedded
/// PostgreSQL, drives one user journey through it, writes what it saw and says so plainly.
/// </summary>
internal static class GameDayCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target") { Description = "Where to run: local (the embedded environment) or kubernetes.", DefaultValueFactory = _ => "local" };
        target.AcceptOnlyFromAmong("local", "kubernetes");
        var output = new Option<string?>("--output") { Description = "Folder for the reports (default artifacts/<timestamp>-gameday)." };
        var command = new Command("gameday", "Run the default game day.\n" +
            "Today: starts PostgreSQL and one SUT replica, runs a smoke journey through the API, writes summary.md and result.json, stops.")
        {
            target, output,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(target)!, parse.GetValue(output), Console.Out, ct));
        return command;
    }

    private static async Task<int> RunAsync(string target, string? outputDir, TextWriter output, CancellationToken ct)
    {
        if (target == "kubernetes")
        {
            await Console.Error.WriteLineAsync("error: the Kubernetes driver is not built yet; only --target local runs today.");
            return ExitCodes.EnvironmentError;
        }
        await output.WriteLineAsync("The experiment runner is not built yet, so this game day has no faults to inject:");
        await output.WriteLineAsync("it runs the SUT against an embedded PostgreSQL and checks one user journey end to end.");
        await using var local = await CommandErrors.StartLocalSutAsync(output, ct);
        if (local is null)
        {
            return ExitCodes.EnvironmentError;
        }
        await output.WriteLineAsync($"PostgreSQL ready in {local.PostgresStartTime.TotalSeconds:0.00} s; SUT ready in {local.SutStartTime.TotalSeconds:0.00} s at {local.Sut.BaseAddress}");
        var steps = await SmokeJourney.RunAsync(local.Sut.BaseAddress, ct);
        var rss = local.SutRssBytes();
        var failed = steps.Count(s => !s.Ok);
        var markdown = Summary(steps, local, rss);
        await output.WriteLineAsync();
        await output.WriteLineAsync(markdown);

        var folder = outputDir ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-gameday");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.md"), markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "result.json"), JsonSerializer.Serialize(new
        {
            kind = "smoke-journey",
            passed = failed == 0,
            postgresStartSeconds = local.PostgresStartTime.TotalSeconds,
            sutReadySeconds = local.SutStartTime.TotalSeconds,
            sutRssBytes = rss,
            steps = steps.Select(s => new { s.Name, s.Status, s.Expected, elapsedMs = s.Elapsed.TotalMilliseconds, s.Ok }),
        }, new JsonSerializerOptions { WriteIndented = true }), ct);
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            await File.AppendAllTextAsync(stepSummary, markdown, ct);
        }
        await output.WriteLineAsync($"Reports: {Path.GetFullPath(folder)}");
        return failed == 0 ? ExitCodes.Passed : ExitCodes.HypothesisFailed;
    }

    private static string Summary(IReadOnlyList<JourneyStep> steps, LocalSut local, long? rss)
    {
        var text = new StringBuilder();
        text.AppendLine("## Smoke journey on the embedded environment").AppendLine();
        text.AppendLine("| step | status | expected | ms | result |").AppendLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var step in steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {step.Name} | {step.Status} | {step.Expected} | {step.Elapsed.TotalMilliseconds:0.0} | {(step.Ok ? "ok" : "FAILED")} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL ready in {local.PostgresStartTime.TotalSeconds:0.00} s, SUT ready in {local.SutStartTime.TotalSeconds:0.00} s, SUT resident memory {(rss is { } r ? $"{r / (1024.0 * 1024):0.0} MiB" : "unknown")}.");
        var failed = steps.Count(s => !s.Ok);
        text.AppendLine(failed == 0 ? $"All {steps.Count} steps passed." : $"{failed} of {steps.Count} steps failed.");
        return text.ToString();
    }
}
