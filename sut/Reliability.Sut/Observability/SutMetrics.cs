using Prometheus;

namespace Reliability.Sut.Observability;

/// <summary>
/// The series the alert rules and SLOs are written against. Names follow the operations guide:
/// http_requests_total and http_request_duration_seconds with a templated route label.
/// </summary>
internal sealed class SutMetrics
{
    private static readonly string[] HttpLabels = ["method", "route", "status"];

    public Counter HttpRequests { get; } = Metrics.CreateCounter(
        "http_requests_total", "HTTP requests served, by method, route template and status code.",
        new CounterConfiguration { LabelNames = HttpLabels });

    public Histogram HttpDuration { get; } = Metrics.CreateHistogram(
        "http_request_duration_seconds", "HTTP request duration in seconds, by method, route template and status code.",
        new HistogramConfiguration
        {
            LabelNames = HttpLabels,
            Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    public Gauge HttpInFlight { get; } = Metrics.CreateGauge(
        "http_requests_in_flight", "HTTP requests being served right now.");

    public Gauge DbInFlight { get; } = Metrics.CreateGauge(
        "db_operations_in_flight", "Database operations holding or waiting for a pooled connection.");

    public Gauge DbPoolMax { get; } = Metrics.CreateGauge(
        "db_pool_max_connections", "Configured upper bound of the database connection pool.");

    public Gauge DbPoolMin { get; } = Metrics.CreateGauge(
        "db_pool_min_connections", "Configured lower bound of the database connection pool.");

    public Counter DbErrors { get; } = Metrics.CreateCounter(
        "db_errors_total", "Database operations that failed, by kind (unavailable or other).",
        new CounterConfiguration { LabelNames = ["kind"] });

    public Counter RateLimited { get; } = Metrics.CreateCounter(
        "http_rate_limited_total", "Requests rejected with 429 by a rate limit, by policy.",
        new CounterConfiguration { LabelNames = ["policy"] });

    public Counter AuthFailures { get; } = Metrics.CreateCounter(
        "auth_failures_total", "Rejected logins and bearer tokens, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public Gauge Ready { get; } = Metrics.CreateGauge(
        "sut_ready", "1 while the last readiness check passed, 0 otherwise.");

    public Gauge Draining { get; } = Metrics.CreateGauge(
        "sut_draining", "1 once shutdown started and the instance refuses new work.");
}
