// The load engine, measured side by side on this machine against one trivial loopback endpoint (its own
// process): closed-model throughput against wrk at the same connection count, open-model accuracy at
// 1,000 and 5,000 per second with the scheduling lag, and memory with 2,000 requests in flight.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Reliability.Bench.Load;
using Reliability.Load.Engine;

using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Sut.Local.Processes;

if (args is ["serve"])
{
    await TrivialServer.RunAsync();
    return;
}
LoadHttpClient.UseInlineSocketCompletions();
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
const int Connections = 32;

using var run = RunDirectory.Create("bench-load");
var listening = new TaskCompletionSource<Uri>();
await using var server = ChildProcess.Start(new ChildProcessSpec
{
    Name = "trivial-server",
    FileName = Environment.ProcessPath!,
    Arguments = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? [typeof(TrivialServer).Assembly.Location, "serve"] : ["serve"],
    LogFile = Path.Combine(run.Path, "server.log"),
    // The target runs with default runtime settings, for wrk and the engine alike.
    Environment = new Dictionary<string, string?> { [LoadHttpClient.InlineCompletionsVariable] = null },
}, run, line => { if (line.StartsWith("listening ", StringComparison.Ordinal)) { listening.TrySetResult(new Uri(line[10..] + "/")); } });
var target = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"target {target} (separate process), {Environment.ProcessorCount} cores, {seconds} s per measurement");

HttpClient NewClient(TimeSpan timeout) => Reliability.Load.Engine.LoadHttpClient.Create(target, timeout);
Scenario Get(string path, LoadSimulation simulation) => new()
{
    Name = path,
    Run = ctx => ctx.Step(path, http => http.GetAsync(path, ctx.CancellationToken)),
    Simulations = [simulation],
    WarmUp = TimeSpan.FromSeconds(2),
};

if (args is [_, "raw"])
{
    // Diagnostic: the ceiling of HttpClient alone, same loops, no engine.
    using var raw = NewClient(TimeSpan.FromSeconds(10));
    long count = 0;
    var end = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
    await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
    {
        while (Stopwatch.GetTimestamp() < end)
        {
            using var response = await raw.GetAsync("ok", HttpCompletionOption.ResponseHeadersRead);
            Interlocked.Increment(ref count);
        }
    })));
    Console.WriteLine($"raw HttpClient, {Connections} loops: {count / (double)seconds:0} req/s");
}

// 1. Closed model against wrk, same connections, same endpoint, one after the other.
double engineRps;
using (var http = NewClient(TimeSpan.FromSeconds(10)))
{
    var closed = await new LoadEngine(http).RunAsync(Get("ok", new ConstantUsers(Connections, TimeSpan.FromSeconds(seconds + 2))));
    engineRps = closed.Rps;
}
var wrk = Process.Start(new ProcessStartInfo("wrk", ["-t2", $"-c{Connections}", $"-d{seconds}s", $"{target}ok"]) { RedirectStandardOutput = true })!;
var wrkOutput = await wrk.StandardOutput.ReadToEndAsync();
await wrk.WaitForExitAsync();
var wrkRps = double.Parse(Regex.Match(wrkOutput, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
Console.WriteLine();
Console.WriteLine($"## closed model, {Connections} connections, GET /ok");
Console.WriteLine($"engine {engineRps:0} req/s, wrk {wrkRps:0} req/s: ratio {engineRps / wrkRps:0.00} (target >= 0.8)");

// 2. Open model accuracy and scheduling lag.
Console.WriteLine();
Console.WriteLine("## open model, GET /ok");
Console.WriteLine("| target rate | achieved | error | p99 scheduling lag | p99 latency | dropped |");
Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var rate in new[] { 1000, 5000 })
{
    using var http = NewClient(TimeSpan.FromSeconds(10));
    var open = await new LoadEngine(http).RunAsync(Get("ok", new ConstantArrivalRate(rate, TimeSpan.FromSeconds(seconds + 2), MaxConcurrent: 1000)));
    var achieved = open.Measurements.Scenario.Count / open.MeasuredFor.TotalSeconds;
    Console.WriteLine($"| {rate} | {achieved:0.0} | {100 * (achieved - rate) / rate:+0.00;-0.00}% | {open.Measurements.SchedulingLag.Percentile(99).TotalMilliseconds:0.000} ms | {open.Measurements.Scenario.Latency.Percentile(99).TotalMilliseconds:0.00} ms | {open.Measurements.Dropped} |");
}

// 3. Memory with 2,000 requests in flight: 1,000/s to an endpoint that takes 2 s.
Console.WriteLine();
Console.WriteLine("## memory, 2,000 in flight (1,000/s to GET /slow, 2 s each)");
using (var http = NewClient(TimeSpan.FromSeconds(30)))
{
    long peak = 0;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            using var self = Process.GetCurrentProcess();
            peak = Math.Max(peak, self.WorkingSet64);
            await Task.Delay(100);
        }
    });
    var slow = await new LoadEngine(http).RunAsync(Get("slow", new ConstantArrivalRate(1000, TimeSpan.FromSeconds(10), MaxConcurrent: 2500)));
    await sampling.CancelAsync();
    await sampler;
    Console.WriteLine($"peak resident memory of the engine process {peak / (1024.0 * 1024):0} MiB (target < 300 MB); {slow.Measurements.Scenario.Ok} ok, {slow.Measurements.Dropped} dropped, p50 {slow.Measurements.Scenario.Latency.Percentile(50).TotalMilliseconds:0} ms");
}
await server.StopAsync(15 /* SIGTERM */, TimeSpan.FromSeconds(5));
