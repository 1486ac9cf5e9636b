using Reliability.Observe.CloudWatch;

namespace Reliability.Sut.Local.Balancing;

/// <summary>
/// Publishes the balancer's figures to CloudWatch every second under the names an ALB uses (namespace
/// AWS/ApplicationELB, dimension LoadBalancer; host counts also per TargetGroup and AvailabilityZone), so the
/// shipped alarms read the same metrics locally as on AWS. Like ALB, counts are sent only when non-zero and
/// host counts always. A failed publish is retried with the next second's data, never blocks the balancer.
/// </summary>
internal sealed class AlbMetricsPublisher : IAsyncDisposable
{
    /// <summary>The names the shipped alarms in sut/deploy/aws/alarms carry.</summary>
    public const string LoadBalancerName = "app/task-manager/0123456789abcdef";
    public const string TargetGroupName = "targetgroup/task-manager/0123456789abcdef";
    private const string Namespace = "AWS/ApplicationELB";

    private readonly LoadBalancer _balancer;
    private readonly ICloudWatchClient _cloudWatch;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AlbMetricsPublisher(LoadBalancer balancer, ICloudWatchClient cloudWatch, TimeProvider time)
    {
        _balancer = balancer;
        _cloudWatch = cloudWatch;
        _time = time;
        _loop = LoopAsync();
    }

    /// <summary>Publishes failed in a row (for status).</summary>
    public int Failures { get; private set; }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        var pending = new List<MetricDatum>();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                // Stamped with the second the figures belong to, the one just ended.
                pending.AddRange(Data(_balancer.DrainAlbFigures(), _balancer.HostCounts(), _time.GetUtcNow().AddSeconds(-1)));
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    await _cloudWatch.PutMetricDataAsync(Namespace, pending, timeout.Token);
                    pending.Clear();
                    Failures = 0;
                }
                catch (Exception ex) when (ex is HttpRequestException or CloudWatchException or TaskCanceledException && !_stop.IsCancellationRequested)
                {
                    Failures++;
                    if (pending.Count > 600)
                    {
                        pending.RemoveRange(0, pending.Count - 600);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static IEnumerable<MetricDatum> Data(AlbSecond second, IReadOnlyList<(string Zone, int Healthy, int Unhealthy)> hosts, DateTimeOffset at)
    {
        MetricDimension[] balancer = [new("LoadBalancer", LoadBalancerName)];
        foreach (var (name, count) in new[] { ("RequestCount", second.Requests), ("HTTPCode_Target_5XX_Count", second.Target5xx), ("HTTPCode_Target_4XX_Count", second.Target4xx), ("HTTPCode_ELB_5XX_Count", second.Elb5xx) })
        {
            if (count > 0)
            {
                yield return MetricDatum.Single(name, balancer, at, count);
            }
        }
        if (second.ResponseTimes.Count > 0)
        {
            // At most 150 distinct values a datum, as CloudWatch allows.
            foreach (var chunk in second.ResponseTimes.Chunk(150))
            {
                yield return new MetricDatum("TargetResponseTime", balancer, at, [.. chunk.Select(c => c.Key)], [.. chunk.Select(c => (double)c.Value)], "Seconds");
            }
        }
        MetricDimension[] group = [.. balancer, new("TargetGroup", TargetGroupName)];
        yield return MetricDatum.Single("HealthyHostCount", group, at, hosts.Sum(h => h.Healthy));
        yield return MetricDatum.Single("UnHealthyHostCount", group, at, hosts.Sum(h => h.Unhealthy));
        foreach (var (zone, healthy, unhealthy) in hosts)
        {
            MetricDimension[] inZone = [.. group, new("AvailabilityZone", zone)];
            yield return MetricDatum.Single("HealthyHostCount", inZone, at, healthy);
            yield return MetricDatum.Single("UnHealthyHostCount", inZone, at, unhealthy);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
