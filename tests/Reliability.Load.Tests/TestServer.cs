using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reliability.Load.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with endpoints of known behaviour: /ok, /delay?ms=N (fixed delay),
/// /stall (freezes for 1 s every 5 s, like wrk2's coordinated-omission demo), /status?code=N, and /echo
/// (any of GET, POST, PUT, DELETE: answers, as chunked JSON, the method, path, Authorization, Content-Type and body it read).
/// It counts requests in flight and their peak.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DateTimeOffset _epoch = DateTimeOffset.UtcNow;
    private int _inFlight;
    private int _peak;

    private TestServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;
    public int PeakInFlight => Volatile.Read(ref _peak);
    public void ResetPeak() => Volatile.Write(ref _peak, 0);

    public static async Task<TestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new TestServer(app);
        app.Use(async (context, next) =>
        {
            var now = Interlocked.Increment(ref server._inFlight);
            int peak;
            while (now > (peak = Volatile.Read(ref server._peak)) && Interlocked.CompareExchange(ref server._peak, now, peak) != peak)
            {
            }
            try
            {
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref server._inFlight);
            }
        });
        app.MapGet("/ok", () => "ok");
        app.MapGet("/delay", async (int ms) => { await Task.Delay(ms); return "ok"; });
        app.MapGet("/status", (int code) => Microsoft.AspNetCore.Http.Results.StatusCode(code));
        app.MapMethods("/echo", ["GET", "POST", "PUT", "DELETE"], async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Microsoft.AspNetCore.Http.Results.Json(new Dictionary<string, string?>
            {
                ["method"] = request.Method,
                ["path"] = request.Path + request.QueryString,
                ["authorization"] = request.Headers.Authorization.ToString(),
                ["contentType"] = request.ContentType,
                ["body"] = await reader.ReadToEndAsync(),
            });
        });
        app.MapGet("/stall", async () =>
        {
            // Frozen for the first second of every five: a request arriving then waits until the window ends.
            var phase = (DateTimeOffset.UtcNow - server._epoch).TotalMilliseconds % 5000;
            if (phase < 1000)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1000 - phase));
            }
            return "ok";
        });
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    public HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000, UseProxy = false, UseCookies = false })
    {
        BaseAddress = Address,
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
