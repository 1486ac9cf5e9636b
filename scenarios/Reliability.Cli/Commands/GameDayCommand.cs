using System.CommandLine;
using System.Globalization;

namespace Reliability.Cli.Commands;

/// <summary>
/// The README's main job. Until the experiment runner exists it runs the SUT against an embedded
/// PostgreSQL, drives one user journey through it and says so plainly.
/// </summary>
internal static class GameDayCommand
{
    public static Command Create()
    {
        var command = new Command("gameday", "Run the default game day on the embedded environment.\n" +
            "Today: starts PostgreSQL and one SUT replica, runs a smoke journey through the API, reports and stops.");
        command.SetAction((_, ct) => RunAsync(Console.Out, ct));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, CancellationToken ct)
    {
        await output.WriteLineAsync("The experiment runner is not built yet, so this game day has no faults to inject:");
        await output.WriteLineAsync("it runs the SUT against an embedded PostgreSQL and checks one user journey end to end.");
        await using var local = await CommandErrors.StartLocalSutAsync(output, ct);
        if (local is null)
        {
            return ExitCodes.EnvironmentError;
        }
        await output.WriteLineAsync($"PostgreSQL ready in {local.PostgresStartTime.TotalSeconds:0.00} s; SUT ready in {local.SutStartTime.TotalSeconds:0.00} s at {local.Sut.BaseAddress}");
        var steps = await SmokeJourney.RunAsync(local.Sut.BaseAddress, ct);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"step",-28} {"status",6} {"want",5} {"ms",8}");
        foreach (var step in steps)
        {
            await output.WriteLineAsync($"{step.Name,-28} {step.Status,6} {step.Expected,5} {step.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture),8} {(step.Ok ? "ok" : "FAILED")}");
        }
        var rss = local.SutRssBytes();
        await output.WriteLineAsync();
        await output.WriteLineAsync($"SUT resident memory: {(rss is { } r ? $"{r / (1024.0 * 1024):0.0} MiB" : "unknown")}");
        var failed = steps.Count(s => !s.Ok);
        await output.WriteLineAsync(failed == 0 ? $"All {steps.Count} steps passed." : $"{failed} of {steps.Count} steps failed.");
        return failed == 0 ? ExitCodes.Passed : ExitCodes.HypothesisFailed;
    }
}
