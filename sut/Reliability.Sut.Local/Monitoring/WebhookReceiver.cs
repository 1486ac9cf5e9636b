using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reliability.Sut.Local.Monitoring;

/// <summary>
/// The harness's Alertmanager receiver: records each notification with the time it arrived, which is
/// the evidence that an alert reached its receiver (and how long after the fault).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<AlertNotification> _received = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    private WebhookReceiver(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public Uri Address { get; private set; } = null!;
    public Uri AlertsUrl => new(Address, "alerts");

    /// <summary>Raised on each notification, on the request thread.</summary>
    public event Action<AlertNotification>? Received;

    public IReadOnlyList<AlertNotification> Notifications
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync(TimeProvider time, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, time);
        app.MapPost("/alerts", async (HttpContext context) =>
        {
            var payload = await JsonSerializer.DeserializeAsync<AlertmanagerWebhook>(context.Request.Body, cancellationToken: context.RequestAborted);
            if (payload is null)
            {
                return Results.BadRequest();
            }
            var notification = new AlertNotification(receiver._time.GetUtcNow(), payload);
            lock (receiver._gate)
            {
                receiver._received.Add(notification);
            }
            receiver.Received?.Invoke(notification);
            return Results.Ok();
        });
        await app.StartAsync(ct);
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
