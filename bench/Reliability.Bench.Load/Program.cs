// The load engine, measured side by side on this machine against one trivial loopback endpoint (its own
// process): closed-model throughput against wrk at the same connection count, open-model accuracy at
// 1,000 and 5,000 per second with the scheduling lag, and memory with 2,000 requests in flight.
using System.Diagnostics;
using System.Globalization;
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
if (args is ["closed", var url, var duration, var connections, ..] && args.Length <= 5)
{
    // One closed-model measurement in a process of its own, like wrk's; "httpclient" as a fifth argument
    // sends the GETs through HttpClient instead of the engine's lean client.
    using var client = LoadHttpClient.Create(new Uri(url), TimeSpan.FromSeconds(10));
    var users = int.Parse(connections, CultureInfo.InvariantCulture);
    var during = TimeSpan.FromSeconds(int.Parse(duration, CultureInfo.InvariantCulture));
    var scenario = BenchScenario.Get("ok", new ConstantUsers(users, during + BenchScenario.WarmUp), httpClient: args is [.., "httpclient"]);
    var running = new LoadEngine(client, time: TimeProvider.System).RunAsync(scenario);
    // The client's own CPU (user and kernel) per measured request, from the end of the warm-up on.
    await Task.Delay(BenchScenario.WarmUp);
    var cpuAtWarm = Process.GetCurrentProcess().TotalProcessorTime;
    var allocatedAtWarm = GC.GetTotalAllocatedBytes();
    var result = await running;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtWarm;
    var allocated = GC.GetTotalAllocatedBytes() - allocatedAtWarm;
    Console.WriteLine(FormattableString.Invariant($"rps {result.Rps:0.0}"));
    Console.WriteLine(FormattableString.Invariant($"cpu_us_per_request {cpu.TotalMicroseconds / result.Measurements.Scenario.Count:0.0}"));
    Console.WriteLine(FormattableString.Invariant($"bytes_allocated_per_request {allocated / (double)result.Measurements.Scenario.Count:0}"));
    return;
}
if (args is ["crud", var crudUrl, var crudSeconds, var crudUsers, var crudClient])
{
    // One CRUD-scenario measurement in a process of its own: "lean" or "httpclient".
    await CrudComparison.RunChildAsync(new Uri(crudUrl), int.Parse(crudSeconds, CultureInfo.InvariantCulture), int.Parse(crudUsers, CultureInfo.InvariantCulture), crudClient == "lean");
    return;
}
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var rounds = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var r) ? r : 3;
const int Connections = 32;

using var run = RunDirectory.Create("bench-load");
var listening = new TaskCompletionSource<Uri>();
await using var server = ChildProcess.Start(new ChildProcessSpec
{
    Name = "trivial-server",
    FileName = BenchScenario.Self()[0],
    Arguments = [.. BenchScenario.Self("serve").Skip(1)],
    LogFile = Path.Combine(run.Path, "server.log"),
    // The target runs with default runtime settings, for wrk and the engine alike.
    Environment = new Dictionary<string, string?> { [LoadHttpClient.InlineCompletionsVariable] = null },
}, run, line => { if (line.StartsWith("listening ", StringComparison.Ordinal)) { listening.TrySetResult(new Uri(line[10..] + "/")); } });
var target = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"target {target} (separate process), {Environment.ProcessorCount} cores, {seconds} s per measurement");

HttpClient NewClient(TimeSpan timeout) => Reliability.Load.Engine.LoadHttpClient.Create(target, timeout);

if (args.Contains("raw"))
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

// 1. Closed model against wrk, same connections, same endpoint, alternating rounds; shared cores, then pinned.
// "open" as a third argument measures the open model alone.
var openOnly = args.Length > 2 && args[2] == "open";
var comparison = new ClosedModelComparison(target, server.Pid, Connections, seconds, rounds);
foreach (var pinned in openOnly ? [] : new[] { false, true })
{
    Console.WriteLine();
    Console.WriteLine(pinned
        ? $"## closed model, {Connections} connections, GET /ok, target pinned to CPU 0 and client to CPU 1 (median of {rounds})"
        : $"## closed model, {Connections} connections, GET /ok, target and client sharing all cores (median of {rounds})");
    var (engineRps, httpClientRps, wrkRps) = await comparison.MeasureAsync(pinned);
    Console.WriteLine($"engine {engineRps:0} req/s, wrk {wrkRps:0} req/s: ratio {engineRps / wrkRps:0.00} (target >= 0.8); "
        + $"with steps over HttpClient instead of ctx.Get: {httpClientRps:0} req/s, ratio {httpClientRps / wrkRps:0.00}");
    Console.WriteLine($"engine CPU per request (median, client process, user and kernel): {comparison.CpuPerRequest()}");
}

// 2. The bundled CRUD scenario (bearer token, JSON bodies) through the lean client and through HttpClient.
if (!openOnly)
{
    Console.WriteLine();
    Console.WriteLine($"## CRUD scenario, closed model, {Connections} users, against the task API stand-in (median of {rounds}; 4 requests an iteration)");
    Console.WriteLine("| client | iterations/s | client CPU per iteration | failed iterations |");
    Console.WriteLine("| --- | ---: | ---: | ---: |");
    Console.WriteLine(await new CrudComparison(target, Connections, seconds, rounds).MeasureAsync());
}

// 3. Open model accuracy and scheduling lag.
Console.WriteLine();
Console.WriteLine("## open model, GET /ok");
Console.WriteLine("| target rate | achieved | error | p99 scheduling lag | p99 latency | dropped |");
Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
// The closed model ran in child processes: this process's scheduler and client are still cold, so one short
// unreported run first, as the closed-model comparison warms its target.
using (var warm = NewClient(TimeSpan.FromSeconds(10)))
{
    await new LoadEngine(warm, time: TimeProvider.System).RunAsync(BenchScenario.Get("ok", new ConstantArrivalRate(1000, TimeSpan.FromSeconds(5), MaxConcurrent: 1000)));
}
foreach (var rate in new[] { 1000, 5000 })
{
    using var http = NewClient(TimeSpan.FromSeconds(10));
    var open = await new LoadEngine(http, time: TimeProvider.System).RunAsync(BenchScenario.Get("ok", new ConstantArrivalRate(rate, TimeSpan.FromSeconds(seconds + 2), MaxConcurrent: 1000)));
    var achieved = open.Measurements.Scenario.Count / open.MeasuredFor.TotalSeconds;
    Console.WriteLine($"| {rate} | {achieved:0.0} | {100 * (achieved - rate) / rate:+0.00;-0.00;0.00}% | {open.Measurements.SchedulingLag.Percentile(99).TotalMilliseconds:0.000} ms | {open.Measurements.Scenario.Latency.Percentile(99).TotalMilliseconds:0.00} ms | {open.Measurements.Dropped} |");
}

// 4. Memory with 2,000 requests in flight: 1,000/s to an endpoint that takes 2 s.
if (!openOnly)
{
    Console.WriteLine();
    Console.WriteLine("## memory, 2,000 in flight (1,000/s to GET /slow, 2 s each)");
    using var http = NewClient(TimeSpan.FromSeconds(30));
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
    var slow = await new LoadEngine(http, time: TimeProvider.System).RunAsync(BenchScenario.Get("slow", new ConstantArrivalRate(1000, TimeSpan.FromSeconds(10), MaxConcurrent: 2500)));
    await sampling.CancelAsync();
    await sampler;
    Console.WriteLine($"peak resident memory of the engine process {peak / (1024.0 * 1024):0} MiB (target < 300 MB); {slow.Measurements.Scenario.Ok} ok, {slow.Measurements.Dropped} dropped, p50 {slow.Measurements.Scenario.Latency.Percentile(50).TotalMilliseconds:0} ms");
}
await server.StopAsync(15 /* SIGTERM */, TimeSpan.FromSeconds(5));
