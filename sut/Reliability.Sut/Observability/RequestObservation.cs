using System.Diagnostics;
using System.Text.RegularExpressions;
using Reliability.Sut.Configuration;

namespace Reliability.Sut.Observability;

/// <summary>
/// Outermost middleware: counts and times every request under its route template (never the raw path,
/// which would explode label cardinality) and logs server errors with zone and pod.
/// </summary>
internal sealed partial class RequestObservation(RequestDelegate next, SutMetrics metrics, SutSettings settings, ILogger<RequestObservation> logger)
{
    public const string Unmatched = "unmatched";

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.HttpInFlight.Inc();
        using var scope = logger.BeginScope("zone {Zone} pod {Pod}", settings.Zone, settings.PodName);
        try
        {
            await next(context);
        }
        finally
        {
            metrics.HttpInFlight.Dec();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var route = RouteOf(context);
            var status = context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            metrics.HttpRequests.WithLabels(context.Request.Method, route, status).Inc();
            metrics.HttpDuration.WithLabels(context.Request.Method, route, status).Observe(elapsed.TotalSeconds);
            if (context.Response.StatusCode >= 500)
            {
                logger.LogWarning("{Method} {Route} answered {Status} in {ElapsedMs:0.0} ms",
                    context.Request.Method, route, context.Response.StatusCode, elapsed.TotalMilliseconds);
            }
            else
            {
                logger.LogDebug("{Method} {Route} answered {Status} in {ElapsedMs:0.0} ms",
                    context.Request.Method, route, context.Response.StatusCode, elapsed.TotalMilliseconds);
            }
        }
    }

    internal static string RouteOf(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } template })
        {
            return Unmatched;
        }
        var normalized = Constraint().Replace(template, "}").TrimEnd('/');
        return normalized.Length == 0 ? "/" : normalized;
    }

    [GeneratedRegex(@":[^}]+\}")]
    private static partial Regex Constraint();
}
