using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Simulations;
using Reliability.Load.Targets;
using Reliability.Targets.TaskManager;

namespace Reliability.Bench.Load;

/// <summary>
/// The bundled CRUD scenario (create, update, get, delete, each with a bearer token and JSON) and its
/// client CPU per iteration: over each user's lean connection, and over HttpClient, the path every
/// request took before the lean client could send headers and bodies. Each measurement is a fresh
/// process (closed model, the same users), in alternating rounds; the medians are compared.
/// </summary>
internal sealed partial class CrudComparison(Uri target, int users, int seconds, int rounds)
{
    /// <summary>One measurement in this process: iterations per second and client CPU per iteration after the warm-up.</summary>
    public static async Task RunChildAsync(Uri target, int seconds, int users, bool lean)
    {
        var ledgerPath = Path.Combine(Path.GetTempPath(), $"bench-crud-ledger-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using var ledger = new WriteLedger(ledgerPath, TimeProvider.System);
            using var client = LoadHttpClient.Create(target, TimeSpan.FromSeconds(10));
            var during = TimeSpan.FromSeconds(seconds);
            var scenario = new TaskManagerTarget().Create("crud", new TargetContext(ledger, TimeProvider.System)) with
            {
                Simulations = [new ConstantUsers(users, during + BenchScenario.WarmUp)],
                WarmUp = BenchScenario.WarmUp,
            };
            var running = new LoadEngine(client, TimeProvider.System) { LeanClient = lean }.RunAsync(scenario);
            await Task.Delay(BenchScenario.WarmUp);
            var cpuAtWarm = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await running;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtWarm;
            var iterations = result.Measurements.Scenario.Count;
            Console.WriteLine(FormattableString.Invariant($"ips {iterations / result.MeasuredFor.TotalSeconds:0.0}"));
            Console.WriteLine(FormattableString.Invariant($"failed {result.Measurements.Scenario.Failed}"));
            Console.WriteLine(FormattableString.Invariant($"cpu_us_per_iteration {cpu.TotalMicroseconds / iterations:0.0}"));
        }
        finally
        {
            File.Delete(ledgerPath);
        }
    }

    /// <summary>Medians over the rounds, lean and HttpClient side by side: iterations per second, CPU per iteration, failed iterations.</summary>
    public async Task<string> MeasureAsync()
    {
        var runs = new Dictionary<string, List<(double Ips, double Cpu, long Failed)>> { ["lean"] = [], ["httpclient"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var client in runs.Keys)
            {
                var output = await ClosedModelComparison.RunAsync("taskset", ["-c", $"0-{Environment.ProcessorCount - 1}",
                    .. BenchScenario.Self("crud", target.ToString(), $"{seconds}", $"{users}", client)], TimeSpan.FromSeconds(seconds + 60));
                runs[client].Add((Number(Ips(), output), Number(Cpu(), output), (long)Number(Failed(), output)));
            }
        }
        return string.Join('\n', runs.Select(r =>
            $"| {(r.Key == "lean" ? "lean client (now)" : "HttpClient (before)")} | {Median(r.Value.Select(v => v.Ips)):0} | {Median(r.Value.Select(v => v.Cpu)):0.0} µs | {r.Value.Sum(v => v.Failed)} |"));
    }

    private static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);

    private static double Number(Regex line, string output) => double.Parse(line.Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^ips ([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex Ips();

    [GeneratedRegex(@"^cpu_us_per_iteration ([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex Cpu();

    [GeneratedRegex(@"^failed (\d+)", RegexOptions.Multiline)]
    private static partial Regex Failed();
}
