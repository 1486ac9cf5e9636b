using Microsoft.AspNetCore.Http;
using Prometheus;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Reliability.Sut.Local.Balancing;

/// <summary>
/// The series CloudWatch-style alarms are written against, in the balancer's own registry:
/// healthy host count (total and per zone), request count, and 5xx split into target and balancer errors.
/// </summary>
internal sealed class LoadBalancerMetrics
{
    private readonly IReadOnlyList<LoadBalancerTarget> _targets;
    private readonly Counter _requests;
    private readonly Counter _targetResponses;
    private readonly Counter _balancerErrors;
    private readonly Gauge _healthy;
    private readonly Gauge _zoneHealthy;
    private readonly Gauge _zoneTargets;
    private readonly Counter _ingressRequests;
    private readonly Histogram _ingressDuration;
    private IProxyStateLookup? _state;
    /// <summary>The Ingress the SLO queries name (sut/deploy/k8s/base/ingress.yaml).</summary>
    public const string IngressName = "task-manager";
    public const string IngressNamespace = "task-manager";
    public const string ServiceName = "sut";
    private readonly AlbSecond _window = new();

    public LoadBalancerMetrics(IReadOnlyList<LoadBalancerTarget> targets)
    {
        _targets = targets;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("lb_requests_total", "Requests the balancer answered, by status code class.", new CounterConfiguration { LabelNames = ["code_class"] });
        _targetResponses = factory.CreateCounter("lb_target_responses_total", "Responses from targets, by target, zone and status class (target 5xx is code_class=\"5xx\").",
            new CounterConfiguration { LabelNames = ["pod", "zone", "code_class"] });
        _balancerErrors = factory.CreateCounter("lb_errors_total", "Errors the balancer itself answered (no healthy target, target unreachable or timed out), by cause.",
            new CounterConfiguration { LabelNames = ["error"] });
        _healthy = factory.CreateGauge("lb_healthy_hosts", "Targets passing health checks, all zones.");
        _zoneHealthy = factory.CreateGauge("lb_zone_healthy_hosts", "Targets passing health checks, per zone.", new GaugeConfiguration { LabelNames = ["zone"] });
        _zoneTargets = factory.CreateGauge("lb_zone_hosts", "Registered targets, per zone.", new GaugeConfiguration { LabelNames = ["zone"] });
        // The series ingress-nginx exports (its controller's own names, labels and default buckets), so that the SLOs
        // of slo/specs measure at the edge here as in production: errors the balancer itself answers count too.
        _ingressRequests = factory.CreateCounter("nginx_ingress_controller_requests", "Requests through the edge, by status (as ingress-nginx counts them).",
            new CounterConfiguration { LabelNames = ["ingress", "namespace", "service", "status"] });
        _ingressDuration = factory.CreateHistogram("nginx_ingress_controller_request_duration_seconds", "Time from the first byte of the request to the last of the response, at the edge.",
            new HistogramConfiguration { LabelNames = ["ingress", "namespace", "service", "status"], Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        // A counter born at its first increment loses that increment to rate() and increase(): three 502s of a
        // pod kill read as none. The statuses an outage is made of exist from the start, at zero.
        foreach (var status in new[] { "200", "201", "204", "499", "500", "502", "503", "504" })
        {
            _ingressRequests.WithLabels(IngressName, IngressNamespace, ServiceName, status);
            _ingressDuration.WithLabels(IngressName, IngressNamespace, ServiceName, status);
        }
        Registry.AddBeforeCollectCallback(UpdateHealth);
    }

    public CollectorRegistry Registry { get; }

    public void Attach(IProxyStateLookup state) => _state = state;

    public IEnumerable<string> Healthy()
    {
        if (_state is null || !_state.TryGetCluster("sut", out var cluster))
        {
            yield break;
        }
        foreach (var destination in cluster.Destinations.Values)
        {
            if (destination.Health.Active == DestinationHealth.Healthy && destination.Health.Passive != DestinationHealth.Unhealthy)
            {
                yield return destination.DestinationId;
            }
        }
    }

    /// <summary>What happened since the last call, in the shape ALB reports to CloudWatch (see <see cref="AlbSecond"/>).</summary>
    public AlbSecond Drain()
    {
        lock (_window)
        {
            var drained = _window with { ResponseTimes = new Dictionary<double, int>(_window.ResponseTimes) };
            _window.Clear();
            return drained;
        }
    }

    public void Observe(HttpContext context, TimeSpan elapsed)
    {
        var status = context.Response.StatusCode;
        _requests.WithLabels(CodeClass(status)).Inc();
        // A client that went away is nginx's 499, not an error of the service.
        var edgeStatus = context.RequestAborted.IsCancellationRequested ? "499" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _ingressRequests.WithLabels(IngressName, IngressNamespace, ServiceName, edgeStatus).Inc();
        _ingressDuration.WithLabels(IngressName, IngressNamespace, ServiceName, edgeStatus).Observe(elapsed.TotalSeconds);
        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            _balancerErrors.WithLabels(error.Error.ToString()).Inc();
            _window.Add(status, target: false, elapsed);
            return;
        }
        if (context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination is { } destination)
        {
            var zone = destination.Model.Config.Metadata?.GetValueOrDefault("zone") ?? "unknown";
            _targetResponses.WithLabels(destination.DestinationId, zone, CodeClass(status)).Inc();
            _window.Add(status, target: true, elapsed);
        }
        else
        {
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                _balancerErrors.WithLabels("NoAvailableDestinations").Inc();
            }
            _window.Add(status, target: false, elapsed);
        }
    }

    private void UpdateHealth()
    {
        var healthy = Healthy().ToHashSet(StringComparer.Ordinal);
        _healthy.Set(healthy.Count);
        foreach (var zone in _targets.GroupBy(t => t.Zone))
        {
            _zoneTargets.WithLabels(zone.Key).Set(zone.Count());
            _zoneHealthy.WithLabels(zone.Key).Set(zone.Count(t => healthy.Contains(t.Pod)));
        }
    }

    private static string CodeClass(int status) => $"{status / 100}xx";
}

/// <summary>
/// The counts ALB publishes per period: RequestCount, HTTPCode_Target_5XX_Count (the targets answered 5xx),
/// HTTPCode_ELB_5XX_Count (the balancer did: no target, target unreachable) and TargetResponseTime, kept as
/// distinct values (ms resolution) with counts so that CloudWatch can answer percentiles.
/// </summary>
internal sealed record AlbSecond
{
    public int Requests { get; private set; }
    public int Target5xx { get; private set; }
    public int Target4xx { get; private set; }
    public int Elb5xx { get; private set; }
    public IReadOnlyDictionary<double, int> ResponseTimes { get; init; } = new Dictionary<double, int>();

    internal void Add(int status, bool target, TimeSpan elapsed)
    {
        lock (this)
        {
            Requests++;
            if (!target)
            {
                Elb5xx += status >= 500 ? 1 : 0;
                return;
            }
            Target5xx += status >= 500 ? 1 : 0;
            Target4xx += status is >= 400 and < 500 ? 1 : 0;
            var seconds = Math.Round(elapsed.TotalSeconds, 3);
            var times = (Dictionary<double, int>)ResponseTimes;
            times[seconds] = times.GetValueOrDefault(seconds) + 1;
        }
    }

    internal void Clear()
    {
        Requests = Target5xx = Target4xx = Elb5xx = 0;
        ((Dictionary<double, int>)ResponseTimes).Clear();
    }
}
