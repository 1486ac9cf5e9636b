using System.Globalization;
using Reliability.Load.Engine;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Load.Results;

/// <summary>
/// Once a second: elapsed/total, rate, error rate and p50/p95/p99 of the last full second. On a terminal
/// the line rewrites itself; when output is redirected or CI=true, plain lines.
/// </summary>
internal sealed class ConsoleProgress(TextWriter output, bool interactive) : ILoadProgress
{
    public static ConsoleProgress ForConsole() =>
        new(Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is not ("true" or "1"));

    public void OnSimulation(LoadSimulation simulation) => output.WriteLine($"{(interactive ? "\n" : "")}-> {simulation.Describe()}");

    public void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed)
    {
        var line = Line(scenario, measurements, elapsed);
        if (interactive)
        {
            output.Write($"\r{line}");
        }
        else
        {
            output.WriteLine(line);
        }
    }

    /// <summary>The figures of the last complete second, as one line.</summary>
    public static string Line(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed)
    {
        // The bucket two seconds back is complete for all but the slowest requests.
        var bucket = measurements.Series.Peek(elapsed - TimeSpan.FromSeconds(2)) ?? new Measurement.OutcomeStats(2);
        var count = bucket.Count;
        var errors = count == 0 ? 0 : 100.0 * bucket.Failed / count;
        return string.Create(CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds,6:0}/{scenario.Duration.TotalSeconds:0} s  {count,6} req/s  errors {errors,5:0.0}%  p50 {bucket.Latency.Percentile(50).TotalMilliseconds,7:0.0} ms  p95 {bucket.Latency.Percentile(95).TotalMilliseconds,7:0.0} ms  p99 {bucket.Latency.Percentile(99).TotalMilliseconds,7:0.0} ms  dropped {measurements.Dropped}");
    }
}
