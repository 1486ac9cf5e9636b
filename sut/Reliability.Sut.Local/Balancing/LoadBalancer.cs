using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Reliability.Sut.Local.Balancing;

/// <summary>
/// The single entry point (an ALB or a Kubernetes Service in production): YARP on 127.0.0.1 with
/// active health checks on /ready through each target's link, passive checks on transport failures,
/// and ALB-style metrics on a separate admin port.
/// </summary>
internal sealed class LoadBalancer : IAsyncDisposable
{
    private const string ClusterId = "sut";
    private readonly WebApplication _proxy;
    private readonly WebApplication _admin;
    private readonly LoadBalancerMetrics _metrics;

    private LoadBalancer(WebApplication proxy, WebApplication admin, LoadBalancerMetrics metrics, IReadOnlyList<LoadBalancerTarget> targets)
    {
        _proxy = proxy;
        _admin = admin;
        _metrics = metrics;
        Targets = targets;
    }

    public Uri Address { get; private set; } = null!;
    public Uri MetricsAddress { get; private set; } = null!;
    public IReadOnlyList<LoadBalancerTarget> Targets { get; }

    public static async Task<LoadBalancer> StartAsync(IReadOnlyList<LoadBalancerTarget> targets, LoadBalancerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LoadBalancerOptions();
        options.Validate();
        var metrics = new LoadBalancerMetrics(targets);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(IPAddress.Loopback, 0); k.AddServerHeader = false; });
        builder.Services.AddReverseProxy().LoadFromMemory([Route()], [Cluster(targets, options)]);
        var proxy = builder.Build();
        proxy.Use(async (context, next) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await next(context);
            metrics.Observe(context, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        });
        proxy.MapReverseProxy();

        var adminBuilder = WebApplication.CreateSlimBuilder();
        adminBuilder.Logging.ClearProviders();
        adminBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var admin = adminBuilder.Build();
        admin.MapMetrics("/metrics", metrics.Registry);

        var balancer = new LoadBalancer(proxy, admin, metrics, targets);
        metrics.Attach(proxy.Services.GetRequiredService<IProxyStateLookup>());
        await proxy.StartAsync(ct);
        await admin.StartAsync(ct);
        balancer.Address = AddressOf(proxy);
        balancer.MetricsAddress = new Uri(AddressOf(admin), "metrics");
        return balancer;
    }

    /// <summary>Targets the balancer would send traffic to now (active and passive health both good).</summary>
    public IReadOnlyList<string> HealthyTargets() => _metrics.Healthy().ToList();

    /// <summary>The ALB figures since the last call (the CloudWatch publisher drains them every second).</summary>
    public AlbSecond DrainAlbFigures() => _metrics.Drain();

    /// <summary>Healthy and registered targets per zone, as ALB reports HealthyHostCount and UnHealthyHostCount.</summary>
    public IReadOnlyList<(string Zone, int Healthy, int Unhealthy)> HostCounts()
    {
        var healthy = _metrics.Healthy().ToHashSet(StringComparer.Ordinal);
        return [.. Targets.GroupBy(t => t.Zone).Select(z => (z.Key, z.Count(t => healthy.Contains(t.Pod)), z.Count(t => !healthy.Contains(t.Pod))))];
    }

    /// <summary>Health of one target as the balancer sees it.</summary>
    public bool IsHealthy(string pod) => _metrics.Healthy().Contains(pod);

    public async ValueTask DisposeAsync()
    {
        await _proxy.StopAsync();
        await _admin.StopAsync();
        await _proxy.DisposeAsync();
        await _admin.DisposeAsync();
    }

    private static RouteConfig Route() => new()
    {
        RouteId = "all",
        ClusterId = ClusterId,
        Match = new RouteMatch { Path = "{**catch-all}" },
    };

    private static ClusterConfig Cluster(IReadOnlyList<LoadBalancerTarget> targets, LoadBalancerOptions options) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = options.Policy,
        Destinations = targets.ToDictionary(t => t.Pod, t => new DestinationConfig
        {
            Address = t.Address.ToString(),
            Metadata = new Dictionary<string, string> { ["zone"] = t.Zone },
        }),
        HealthCheck = new HealthCheckConfig
        {
            // Like a Kubernetes Service: targets not yet probed take traffic, and with no healthy target the
            // balancer answers 503 itself (an ALB would fail open instead).
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.HealthInterval,
                Timeout = options.HealthTimeout,
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/ready",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = options.PassiveReactivation,
            },
        },
        Metadata = new Dictionary<string, string>
        {
            [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = options.UnhealthyThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        HttpRequest = new ForwarderRequestConfig
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            ActivityTimeout = options.RequestTimeout,
        },
    };

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
}
