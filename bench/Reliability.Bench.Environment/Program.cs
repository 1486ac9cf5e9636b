// The embedded environment, measured: time from start to all-ready, and what a link (the fault-injecting
// TCP proxy) adds to a round trip next to a direct connection, side by side in one run.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Links;

var starts = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
const int RoundTrips = 20_000;

Console.WriteLine($"## env up to all-ready ({starts} starts, default topology: PostgreSQL, 6 replicas in 3 zones, balancer, Prometheus, Alertmanager)");
var startups = new List<double>();
for (var i = 0; i < starts; i++)
{
    var clock = Stopwatch.StartNew();
    await using var environment = await LocalEnvironment.StartAsync();
    startups.Add(clock.Elapsed.TotalSeconds);
    Console.WriteLine($"start {i + 1}: {clock.Elapsed.TotalSeconds:0.00} s");
}
startups.Sort();
Console.WriteLine($"min {startups[0]:0.00} s, median {startups[startups.Count / 2]:0.00} s, max {startups[^1]:0.00} s");

Console.WriteLine();
Console.WriteLine($"## link overhead: {RoundTrips:N0} one-byte TCP round trips to an echo server, warm connection");
using var echo = EchoServer.Start();
await using var link = new LinkProxy("bench", echo.Endpoint, time: TimeProvider.System);
var direct = await RoundTripsAsync(echo.Endpoint);
var proxied = await RoundTripsAsync(link.Endpoint);
Console.WriteLine("| path | p50 µs | p90 µs | p99 µs |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
Console.WriteLine($"| direct | {P(direct, 50):0} | {P(direct, 90):0} | {P(direct, 99):0} |");
Console.WriteLine($"| through a link, no fault | {P(proxied, 50):0} | {P(proxied, 90):0} | {P(proxied, 99):0} |");
Console.WriteLine($"p50 added by the link: {(P(proxied, 50) - P(direct, 50)) / 1000:0.000} ms (target < 0.2 ms)");

static double P(List<double> sorted, double percentile) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile / 100 * sorted.Count) - 1)];

static async Task<List<double>> RoundTripsAsync(IPEndPoint endpoint)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(endpoint);
    var buffer = new byte[1];
    var samples = new List<double>(RoundTrips);
    for (var i = 0; i < RoundTrips + 1000; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await socket.SendAsync(buffer);
        await socket.ReceiveAsync(buffer);
        if (i >= 1000)
        {
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }
    samples.Sort();
    return samples;
}

internal sealed class EchoServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private EchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint Endpoint { get; }

    public static EchoServer Start()
    {
        var server = new EchoServer();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await server._listener.AcceptAsync();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }
                client.NoDelay = true;
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var buffer = new byte[4096];
                        try
                        {
                            int read;
                            while ((read = await client.ReceiveAsync(buffer)) > 0)
                            {
                                await client.SendAsync(buffer.AsMemory(0, read));
                            }
                        }
                        catch (SocketException)
                        {
                        }
                    }
                });
            }
        });
        return server;
    }

    public void Dispose() => _listener.Dispose();
}
