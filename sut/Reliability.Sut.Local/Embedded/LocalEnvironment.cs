using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Reliability.Sut.Local.Balancing;
using Reliability.Sut.Local.Links;
using Reliability.Sut.Local.Monitoring;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;
using Reliability.Sut.Local.Supervision;
using Reliability.Sut.Local.Sut;

namespace Reliability.Sut.Local.Embedded;

/// <summary>
/// The default target: the SUT as a small multi-zone deployment on one machine. Components start in
/// dependency order with readiness waits (PostgreSQL, replicas, load balancer, Prometheus,
/// Alertmanager) and stop in reverse order on dispose; everything lives in one run directory.
/// </summary>
internal sealed partial class LocalEnvironment : IAsyncDisposable
{
    private readonly List<EnvironmentLink> _links = [];
    private readonly List<Func<ValueTask>> _teardown = [];

    private LocalEnvironment(EnvironmentOptions options, RunDirectory run)
    {
        Options = options;
        Run = run;
    }

    public EnvironmentOptions Options { get; }
    public RunDirectory Run { get; }
    /// <summary>The single PostgreSQL (database mode single); null with Patroni.</summary>
    public PostgresServer? Postgres { get; private set; }
    public Supervisor Supervisor { get; private set; } = null!;
    public LoadBalancer LoadBalancer { get; private set; } = null!;
    public PrometheusServer? Prometheus { get; private set; }
    public AlertmanagerServer? Alertmanager { get; private set; }
    public WebhookReceiver? Webhook { get; private set; }
    /// <summary>The CloudWatch stand-in with the shipped alarms and the balancer's ALB metrics (null without monitoring).</summary>
    public Monitoring.CloudWatch.LocalCloudWatch? CloudWatch { get; private set; }
    public Uri EntryPoint => LoadBalancer.Address;
    public IReadOnlyList<EnvironmentLink> Links => _links;
    /// <summary>How long start-up took, from the first component to the last one ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    public static async Task<LocalEnvironment> StartAsync(EnvironmentOptions? options = null, TextWriter? progress = null, CancellationToken ct = default)
    {
        options ??= new EnvironmentOptions();
        options.Validate();
        progress ??= TextWriter.Null;
        var needed = new List<Prerequisite> { Prerequisite.Postgres };
        if (options.Database == Database.DatabaseMode.Patroni)
        {
            needed.AddRange([Database.PatroniCluster.Etcd, Database.PatroniCluster.Patroni]);
            if (options.Patroni.Backups is not null)
            {
                needed.Add(Database.Backups.PgBackRest.Program);
            }
        }
        if (options.WithMonitoring)
        {
            needed.AddRange([Prerequisite.Prometheus, Prerequisite.Alertmanager]);
        }
        await Prerequisites.EnsureAsync(needed, progress, ct);

        var clock = Stopwatch.StartNew();
        var environment = new LocalEnvironment(options, RunDirectory.Create("env", options.RunRoot));
        try
        {
            await environment.StartComponentsAsync(progress, ct);
            environment.StartupTime = clock.Elapsed;
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    private async Task StartComponentsAsync(TextWriter progress, CancellationToken ct)
    {
        var databaseUrlFor = await StartDatabaseAsync(progress, ct);
        _teardown.Add(DisposeRoutersAsync);

        await progress.WriteLineAsync($"Starting {Options.Pods().Count()} SUT replicas in {Options.Zones.Count} zones");
        Supervisor = new Supervisor(Run, Options.Supervisor, Options.Time);
        _teardown.Add(() => Supervisor.DisposeAsync());
        var signingKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var replicaEnvironment = ReplicaEnvironment();
        var starts = new List<Task<Replica>>();
        foreach (var (pod, zone) in Options.Pods())
        {
            var databaseUrl = databaseUrlFor(pod, zone);
            starts.Add(Supervisor.StartAsync(pod, zone, port => new SutProcessOptions
            {
                DatabaseUrl = databaseUrl,
                JwtSigningKey = signingKey,
                Zone = zone,
                PodName = pod,
                Port = port,
                DrainDelay = Options.LoadBalancer.HealthInterval,
                Environment = replicaEnvironment,
            }, ct));
        }
        var replicas = await Task.WhenAll(starts);
        await WaitForAsync(() => replicas.All(r => Supervisor.Events.Any(e => e.Pod == r.Pod && e.Kind == LifecycleEventKind.Ready)),
            TimeSpan.FromSeconds(60), "every replica to report ready (migration done, database reachable)", ct);

        await progress.WriteLineAsync("Starting the load balancer");
        var targets = new List<LoadBalancerTarget>();
        foreach (var replica in replicas)
        {
            var link = AddLink(new LinkProxy($"lb->{replica.Pod}", new IPEndPoint(IPAddress.Loopback, replica.Port), Options.Time), "lb", EnvironmentLayout.LoadBalancerLabels, replica.Pod, replica.Labels);
            targets.Add(new LoadBalancerTarget(replica.Pod, replica.Zone, new Uri($"http://127.0.0.1:{link.Proxy.Endpoint.Port}/")));
        }
        LoadBalancer = await LoadBalancer.StartAsync(targets, Options.LoadBalancer, ct);
        _teardown.Add(() => LoadBalancer.DisposeAsync());
        await WaitForAsync(() => LoadBalancer.HealthyTargets().Count == replicas.Length,
            TimeSpan.FromSeconds(30), "the load balancer to see every replica healthy", ct);

        Supervisor.PortChanged += OnReplicaMoved;
        if (Options.WithMonitoring)
        {
            await StartMonitoringAsync(progress, ct);
        }
    }

    private async Task StartMonitoringAsync(TextWriter progress, CancellationToken ct)
    {
        Webhook = await WebhookReceiver.StartAsync(Options.Time, ct);
        _teardown.Add(() => Webhook.DisposeAsync());
        var alertmanagerPort = AlertmanagerServer.ReservePort();
        await progress.WriteLineAsync("Starting Prometheus");
        var rules = new List<(string, string)> { ("sut-rules.yaml", await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "prometheus", "rules.yaml"), ct)) };
        rules.AddRange(Options.ExtraRuleFiles);
        Prometheus = await PrometheusServer.StartAsync(Run, ScrapeTargets(), rules, new Uri($"http://127.0.0.1:{alertmanagerPort}/"), Options.Monitoring, ct);
        _teardown.Add(() => Prometheus.DisposeAsync());
        await progress.WriteLineAsync("Starting Alertmanager");
        Alertmanager = await AlertmanagerServer.StartAsync(Run, alertmanagerPort, Webhook.AlertsUrl, Options.Monitoring, ct);
        _teardown.Add(() => Alertmanager.DisposeAsync());
        await progress.WriteLineAsync("Starting CloudWatch (a local stand-in) with the shipped alarms");
        CloudWatch = await Monitoring.CloudWatch.LocalCloudWatch.StartAsync(LoadBalancer, Options.Monitoring, Options.Time, ct);
        _teardown.Add(() => CloudWatch.DisposeAsync());
    }

    /// <summary>Every link between two named ends, e.g. Link("lb", "sut-zone-a-0").</summary>
    public EnvironmentLink Link(string from, string to) =>
        _links.SingleOrDefault(l => l.From == from && l.To == to) ?? throw new KeyNotFoundException($"no link from '{from}' to '{to}'");

    /// <summary>Removes every fault from every link: the rollback of any network experiment.</summary>
    public void ClearAllFaults()
    {
        foreach (var link in _links)
        {
            link.Proxy.Clear();
        }
    }

    public IReadOnlyList<ScrapeTarget> ScrapeTargets()
    {
        var targets = Supervisor.Replicas
            .Select(r => new ScrapeTarget("sut", $"127.0.0.1:{r.Port}", new Dictionary<string, string> { ["app"] = "sut", ["zone"] = r.Zone, ["pod"] = r.Pod }))
            .ToList();
        targets.Add(new ScrapeTarget("lb", LoadBalancer.MetricsAddress.Authority, new Dictionary<string, string> { ["app"] = "lb" }));
        targets.AddRange(DatabaseScrapeTargets());
        return targets;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _teardown.Count - 1; i >= 0; i--)
        {
            try
            {
                await _teardown[i]();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Keep tearing down: one component's failure to stop must not leak the others.
            }
        }
        foreach (var link in _links)
        {
            await link.Proxy.DisposeAsync();
        }
        Run.Close(Options.KeepRunFiles);
    }

    private EnvironmentLink AddLink(LinkProxy proxy, string from, IReadOnlyDictionary<string, string> fromLabels, string to, IReadOnlyDictionary<string, string> toLabels)
    {
        var link = new EnvironmentLink(proxy, from, fromLabels, to, toLabels);
        _links.Add(link);
        return link;
    }

    private void OnReplicaMoved(Replica replica)
    {
        Link("lb", replica.Pod).Proxy.Upstream = new IPEndPoint(IPAddress.Loopback, replica.Port);
        // Fire and forget, but observed: a failed rewrite must not surface later as an unobserved task exception.
        Prometheus?.UpdateTargetsAsync(ScrapeTargets()).ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    private Dictionary<string, string> ReplicaEnvironment()
    {
        // All traffic reaches the replicas from the balancer's address, so per-client limits would
        // throttle the whole load test as one client; the per-username login limit stays.
        var environment = new Dictionary<string, string>
        {
            ["RATE_LIMIT_LOGIN_PER_CLIENT"] = "1000000",
            ["RATE_LIMIT_SIGNUP_PER_CLIENT"] = "1000000",
            ["DB_MIN_CONNECTIONS"] = "2",
        };
        foreach (var (key, value) in Options.SutEnvironment)
        {
            environment[key] = value;
        }
        return environment;
    }

    /// <summary>The network paths an environment with these options will have (see <see cref="EnvironmentLayout"/>): what a dry run plans faults against.</summary>
    public static IReadOnlyList<LinkLayout> PlannedLinks(EnvironmentOptions options) => EnvironmentLayout.PlannedLinks(options);

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new ComponentStartException("environment", $"timed out after {timeout.TotalSeconds:0} s waiting for {what}", "");
            }
            await Task.Delay(50, ct);
        }
    }
}
