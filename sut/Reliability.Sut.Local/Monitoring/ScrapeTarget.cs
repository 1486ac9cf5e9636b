namespace Reliability.Sut.Local.Monitoring;

/// <summary>Something Prometheus scrapes, with the labels that identify it (app, zone, pod, ...).</summary>
internal sealed record ScrapeTarget(string Job, string HostPort, IReadOnlyDictionary<string, string> Labels, string MetricsPath = "/metrics");
