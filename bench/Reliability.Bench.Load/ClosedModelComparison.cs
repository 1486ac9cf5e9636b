using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Reliability.Bench.Load;

/// <summary>
/// Closed-model throughput of the engine against wrk at the same connection count on the same endpoint.
/// The engine runs twice a round: with its lean client (<c>ctx.Get</c>), and with its steps over HttpClient,
/// which shows what the lean client is for. The clients run as fresh processes, in alternating rounds after one warm-up of the target, so neither
/// pays the target's JIT warm-up or profits from the other's position; the medians are compared.
/// With <c>pinned</c>, the target runs on CPU 0 and the client on CPU 1: on two shared cores a client's
/// own CPU is taken from the target, so that figure measures how the cores are split as much as how
/// fast the client drives the target; the pinned one isolates the latter, as a load generator is
/// deployed in practice.
/// </summary>
internal sealed partial class ClosedModelComparison(Uri target, int targetPid, int connections, int seconds, int rounds)
{
    /// <summary>Medians of the engine (lean client), the engine with its steps over HttpClient, and wrk.</summary>
    public async Task<(double Engine, double EngineHttpClient, double Wrk)> MeasureAsync(bool pinned)
    {
        await SetAffinityAsync(targetPid, pinned ? "0" : AllCpus);
        _cpuPerRequest.Clear();
        var client = pinned ? "1" : AllCpus;
        await RunWrkAsync(client, Math.Min(5, seconds)); // warm-up of the target, not counted
        var engine = new List<double>();
        var httpClient = new List<double>();
        var wrk = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            engine.Add(await RunEngineAsync(client, "lean"));
            httpClient.Add(await RunEngineAsync(client, "httpclient"));
            wrk.Add(await RunWrkAsync(client, seconds));
        }
        await SetAffinityAsync(targetPid, AllCpus);
        Console.WriteLine($"  rounds (req/s): engine {Rounds(engine)}; engine over HttpClient {Rounds(httpClient)}; wrk {Rounds(wrk)}");
        return (Median(engine), Median(httpClient), Median(wrk));
    }

    private static string Rounds(List<double> values) => string.Join(", ", values.Select(r => r.ToString("0", CultureInfo.InvariantCulture)));

    private static string AllCpus => $"0-{Environment.ProcessorCount - 1}";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private async Task<double> RunEngineAsync(string cpus, string client)
    {
        var output = await RunAsync("taskset", ["-c", cpus, .. BenchScenario.Self("closed", target.ToString(), $"{seconds}", $"{connections}", client)], Timeout);
        _cpuPerRequest.Add((client, double.Parse(CpuLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture)));
        return double.Parse(RpsLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private readonly List<(string Client, double Micros)> _cpuPerRequest = [];

    /// <summary>The median client CPU (user and kernel) per request of each engine variant over the rounds of the last measurement.</summary>
    public string CpuPerRequest() => string.Join("; ", _cpuPerRequest.GroupBy(c => c.Client)
        .Select(g => $"{g.Key} {Median(g.Select(c => c.Micros).ToList()).ToString("0.0", CultureInfo.InvariantCulture)} µs"));

    private async Task<double> RunWrkAsync(string cpus, int duration)
    {
        var output = await RunAsync("taskset", ["-c", cpus, "wrk", "-t2", $"-c{connections}", $"-d{duration}s", $"{target}ok"], Timeout);
        return double.Parse(WrkRps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private Task SetAffinityAsync(int pid, string cpus) => RunAsync("taskset", ["-a", "-p", "-c", cpus, $"{pid}"], Timeout);

    private TimeSpan Timeout => TimeSpan.FromSeconds(seconds + 60);

    /// <summary>Runs a process to its end within <paramref name="timeout"/> (killed past it) and gives its output; a non-zero exit throws.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
        }
        return await output;
    }

    [GeneratedRegex(@"^rps ([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RpsLine();

    [GeneratedRegex(@"^cpu_us_per_request ([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex CpuLine();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex WrkRps();
}
