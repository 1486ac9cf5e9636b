using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Reliability.Bench.Load;

/// <summary>The benchmark's target, run as its own process: GET /ok answers "ok", GET /slow waits 2 s, and a stand-in of the task API under /api.</summary>
internal static class TrivialServer
{
    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(IPAddress.Loopback, 0); k.AddServerHeader = false; });
        var app = builder.Build();
        app.MapGet("/ok", () => "ok");
        app.MapGet("/slow", async () => { await Task.Delay(2000); return "ok"; });
        app.MapTaskApi();
        await app.StartAsync();
        Console.WriteLine($"listening {app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}");
        await app.WaitForShutdownAsync();
    }
}
