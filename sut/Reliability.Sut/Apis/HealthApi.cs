using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Prometheus;
using Reliability.Sut.Configuration;
using Reliability.Sut.Lifecycle;
using Reliability.Sut.Observability;

namespace Reliability.Sut.Apis;

internal sealed record HealthResponse(string Status, string Zone, string Pod, double UptimeSeconds);

internal sealed record ReadyResponse(string Status, string Zone, string Pod, string? Reason);

internal static class HealthApi
{
    // The Kubernetes probes and the load balancer's health checks point here; deployment tests compare against these.
    public const string LivenessPath = "/health";
    public const string ReadinessPath = "/ready";
    public const string MetricsPath = "/metrics";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(LivenessPath, Health).AllowAnonymous();
        app.MapGet(ReadinessPath, Ready).AllowAnonymous();
        app.MapMetrics(MetricsPath).AllowAnonymous();
        return app;
    }

    // Liveness never touches the database: a database outage must not make the kubelet restart every replica.
    private static Ok<HealthResponse> Health(SutSettings settings, TimeProvider time, StartTime started) =>
        TypedResults.Ok(new HealthResponse("ok", settings.Zone, settings.PodName, (time.GetUtcNow() - started.Value).TotalSeconds));

    private static async Task<Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>>> Ready(
        SutSettings settings, DrainState drain, SchemaState schema, NpgsqlDataSource dataSource, SutMetrics metrics, CancellationToken ct)
    {
        var reason = drain.IsDraining ? "draining"
            : !schema.IsMigrated ? "schema not migrated yet"
            : await PingDatabase(dataSource, settings.ReadyDbTimeout, ct);
        metrics.Ready.Set(reason is null ? 1 : 0);
        return reason is null
            ? TypedResults.Ok(new ReadyResponse("ready", settings.Zone, settings.PodName, null))
            : TypedResults.Json(new ReadyResponse("unready", settings.Zone, settings.PodName, reason), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string?> PingDatabase(NpgsqlDataSource dataSource, TimeSpan timeout, CancellationToken requestAborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        cts.CancelAfter(timeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cts.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cts.Token);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            // Idle connections from before a database restart are dead; drop them so recovery is one probe away.
            dataSource.Clear();
            return ex is OperationCanceledException ? $"database did not answer within {timeout.TotalMilliseconds:0} ms" : "database unreachable";
        }
    }
}

internal sealed record StartTime(DateTimeOffset Value);
