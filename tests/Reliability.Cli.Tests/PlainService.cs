using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reliability.Cli.Tests;

/// <summary>A service that is not the bundled SUT: a plain Kestrel app on port 0 that records every request it serves.</summary>
internal sealed class PlainService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlainService(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Method, string PathAndQuery, string? Shop)> Requests { get; } = new();
    public Uri Address { get; private set; } = null!;

    public static async Task<PlainService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new PlainService(app);
        app.Use(async (context, next) =>
        {
            service.Requests.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers["X-Shop"].FirstOrDefault()));
            await next();
        });
        app.MapGet("/ping", () => Results.Text("pong"));
        app.MapGet("/products", () => Results.Json(new[] { new { id = 1, name = "lamp" } }));
        app.MapGet("/products/{id:int}", (int id) => Results.Json(new { id, name = "lamp" }));
        app.MapPost("/products/search", () => Results.Json(Array.Empty<object>()));
        await app.StartAsync();
        service.Address = new Uri(app.Urls.First());
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
